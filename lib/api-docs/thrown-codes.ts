/**
 * The error codes the code base can answer, read from its source: every `new XxxError(..., 'CODE')`
 * of the `AppError` hierarchy (shared/errors.ts and its subclasses, with the status each class
 * carries), every subclass's fixed code, and every hand-built error answer (`{ status: 401, body:
 * { code: 'X' } }`). test/unit/api-docs-error-codes.test.ts checks each against what
 * lib/api-docs/error-responses.ts declares, so a code added to a handler and not to the contract
 * fails there instead of reaching clients undocumented.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ThrownCode {
  readonly code: string;
  readonly status: number;
  /** Repository-relative path of the file that builds the answer. */
  readonly file: string;
  readonly line: number;
}

interface ErrorClass {
  readonly name: string;
  readonly base?: string;
  status?: number;
  /** A code fixed by the class (a property initializer or the literal its constructor passes up). */
  fixedCode?: readonly string[];
  /** Index of the constructor parameter that is the code (a `readonly code` parameter property). */
  codeParam?: number;
  /** Its literal default or type's literals, when the parameter is the code. */
  codeParamValues?: readonly string[];
  /** The constructor passes `arguments[i]` to the base's code parameter. */
  forwardsParam?: { readonly from: number };
  /** The literal(s) the constructor passes to the base's code parameter. */
  superCode?: readonly string[];
}

const CODE = /^[A-Z][A-Z0-9_]{2,}$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The file's `const NAME = 'CODE'` constants, while it is scanned (an argument may name one). */
let constants = new Map<string, string>();

/** String literals of an expression (a literal, a file constant, a conditional of literals, a union type of literals). */
function literalsOf(node: ts.Node | undefined): string[] {
  if (!node) return [];
  if (ts.isIdentifier(node)) {
    const value = constants.get(node.text);
    return value ? [value] : [];
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return CODE.test(node.text) ? [node.text] : [];
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literalsOf(node.expression);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literalsOf);
  if (ts.isLiteralTypeNode(node)) return literalsOf(node.literal);
  return [];
}

function classesOf(source: ts.SourceFile, into: Map<string, ErrorClass>): void {
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
      const baseExpr = heritage?.types[0]?.expression;
      const cls: ErrorClass = {
        name: node.name.text,
        ...(baseExpr && ts.isIdentifier(baseExpr) ? { base: baseExpr.text } : {}),
      };
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && member.name && ts.isIdentifier(member.name)) {
          if (member.name.text === 'status' && member.initializer && ts.isNumericLiteral(member.initializer))
            cls.status = Number(member.initializer.text);
          if (member.name.text === 'code') {
            const codes = [...literalsOf(member.initializer), ...(member.initializer ? [] : literalsOf(member.type))];
            if (codes.length > 0) cls.fixedCode = codes;
          }
        }
        if (ts.isConstructorDeclaration(member)) {
          member.parameters.forEach((p, i) => {
            if (ts.isIdentifier(p.name) && p.name.text === 'code') {
              cls.codeParam = i;
              cls.codeParamValues = [...literalsOf(p.initializer), ...literalsOf(p.type)];
            }
          });
          const superCall = member.body?.statements
            .map((s) => (ts.isExpressionStatement(s) ? s.expression : undefined))
            .find(
              (e): e is ts.CallExpression =>
                !!e && ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword,
            );
          if (superCall) {
            // The base's code parameter is resolved later; remember every argument.
            (cls as { superArgs?: readonly ts.Expression[] }).superArgs = superCall.arguments;
            (cls as { params?: readonly string[] }).params = member.parameters.map((p) =>
              ts.isIdentifier(p.name) ? p.name.text : '',
            );
          }
        }
      }
      into.set(cls.name, cls);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** Every error code `roots` (repository-relative directories) can answer, with its status. */
export function scanThrownCodes(repoRoot: string, roots: readonly string[] = ['shared', 'functions']): ThrownCode[] {
  const files = roots.flatMap((r) => walk(path.join(repoRoot, r)));
  const sources = files.map((f) =>
    ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
  );
  const classes = new Map<string, ErrorClass>();
  constants = new Map();
  for (const s of sources) classesOf(s, classes);

  // Only the AppError hierarchy answers with its code (shared/http/error-response.ts).
  const isAppError = (name: string | undefined, depth = 0): boolean =>
    !!name && depth < 10 && (name === 'AppError' || isAppError(classes.get(name)?.base, depth + 1));
  const statusOf = (name: string | undefined, depth = 0): number | undefined => {
    const cls = name ? classes.get(name) : undefined;
    return cls?.status ?? (cls && depth < 10 ? statusOf(cls.base, depth + 1) : undefined);
  };
  /** The code parameter of `name`'s constructor as seen by `new name(...)`, inherited if it has no constructor. */
  const codeParamOf = (
    name: string | undefined,
    depth = 0,
  ): { index: number; defaults: readonly string[] } | undefined => {
    const cls = name ? classes.get(name) : undefined;
    if (!cls || depth > 10) return undefined;
    if (cls.codeParam !== undefined) return { index: cls.codeParam, defaults: cls.codeParamValues ?? [] };
    if ((cls as { params?: readonly string[] }).params) return undefined; // own constructor without a code parameter
    return codeParamOf(cls.base, depth + 1);
  };
  /** The code(s) a class fixes for every instance (its own, or passed up by its constructor). */
  const fixedCodeOf = (name: string | undefined, depth = 0): readonly string[] | undefined => {
    const cls = name ? classes.get(name) : undefined;
    if (!cls || depth > 10) return undefined;
    if (cls.fixedCode) return cls.fixedCode;
    const superArgs = (cls as { superArgs?: readonly ts.Expression[] }).superArgs;
    if (superArgs && cls.codeParam === undefined) {
      const baseParam = codeParamOf(cls.base);
      if (baseParam) {
        const passed = literalsOf(superArgs[baseParam.index]);
        return passed.length > 0 ? passed : superArgs[baseParam.index] ? undefined : baseParam.defaults;
      }
    }
    return cls.codeParam === undefined ? fixedCodeOf(cls.base, depth + 1) : undefined;
  };

  const found: ThrownCode[] = [];
  for (const source of sources) {
    constants = new Map();
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const d of statement.declarationList.declarations) {
        if (
          ts.isIdentifier(d.name) &&
          d.initializer &&
          ts.isStringLiteral(d.initializer) &&
          CODE.test(d.initializer.text)
        )
          constants.set(d.name.text, d.initializer.text);
      }
    }
    const file = path.relative(repoRoot, source.fileName).split(path.sep).join('/');
    const add = (code: string, status: number | undefined, node: ts.Node) => {
      if (status === undefined) return;
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({ code, status, file, line });
    };
    const visit = (node: ts.Node) => {
      // A class that fixes its code answers it wherever it is built: count it where it is declared.
      if (ts.isClassDeclaration(node) && node.name && isAppError(node.name.text)) {
        const own = classes.get(node.name.text);
        const fixed =
          own && (own.fixedCode || (own as { superArgs?: unknown }).superArgs) ? fixedCodeOf(own.name) : undefined;
        for (const code of fixed ?? own?.codeParamValues ?? []) add(code, statusOf(node.name.text), node);
      }
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && isAppError(node.expression.text)) {
        const name = node.expression.text;
        const param = codeParamOf(name);
        if (param && !fixedCodeOf(name)) {
          const arg = node.arguments?.[param.index];
          const codes = arg ? literalsOf(arg) : param.defaults;
          for (const code of codes) add(code, statusOf(name), node);
        }
      }
      // A hand-built answer: `{ status: 401, body: { ..., code: 'X' } }`.
      if (ts.isObjectLiteralExpression(node)) {
        const prop = (o: ts.ObjectLiteralExpression, key: string) =>
          o.properties.find(
            (p): p is ts.PropertyAssignment =>
              ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key,
          )?.initializer;
        const status = prop(node, 'status');
        const body = prop(node, 'body');
        if (
          status &&
          ts.isNumericLiteral(status) &&
          Number(status.text) >= 400 &&
          body &&
          ts.isObjectLiteralExpression(body)
        ) {
          for (const code of literalsOf(prop(body, 'code'))) add(code, Number(status.text), node);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** Repository-relative `.ts` files `entry` imports, directly or not (relative imports only). */
export function importClosure(repoRoot: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.join(path.dirname(file), m[1] as string);
      const candidates = [`${target}.ts`, path.join(target, 'index.ts'), target];
      const hit = candidates.find((c) => c.endsWith('.ts') && fs.existsSync(path.join(repoRoot, c)));
      if (hit) queue.push(hit.split(path.sep).join('/'));
    }
  }
  return seen;
}
