/**
 * Every HTTP route that reads an `Idempotency-Key` header goes through runOnce
 * (shared/idempotency/run-once.ts), which binds the key to a fingerprint of the request: a retry
 * answers the first answer again, another request under the key is 422 `IDEMPOTENCY_KEY_REUSED`.
 * A route that only derives ids from the key (the webhook trigger did, until review 7) lets the
 * same key carry another body, and nothing refuses it.
 *
 * Checked over the real code with the TypeScript parser (no type check): in functions/*.ts, each
 * route of an `httpFunction(...)` table whose handler mentions `IDEMPOTENCY_KEY_HEADER` must hand
 * the key (the header, or a variable made from it) to `runOnce`, or to a function imported from
 * the product whose own body calls `runOnce`. Each such route also documents the 422
 * (lib/api-docs/error-responses.ts `UNPROCESSABLE`), so docs/API.md says what it answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { UNPROCESSABLE } from '../../lib/api-docs/error-responses';

const ROOT = resolve(import.meta.dirname, '../..');
const HEADER = 'IDEMPOTENCY_KEY_HEADER';

type Read = (path: string) => string | undefined;

const parse = (path: string, text: string) => ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);

function some(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
  if (test(node)) return true;
  return ts.forEachChild(node, (child) => some(child, test) || undefined) ?? false;
}

const mentions = (node: ts.Node, names: ReadonlySet<string>) =>
  some(node, (n) => ts.isIdentifier(n) && names.has(n.text));

const callsRunOnce = (node: ts.Node) =>
  some(node, (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'runOnce');

/** Local name -> [repo-relative module path, exported name] of each named import of a relative module. */
function importsOf(file: ts.SourceFile, path: string): Map<string, [string, string]> {
  const found = new Map<string, [string, string]>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    const bindings = statement.importClause?.namedBindings;
    if (!specifier.startsWith('.') || !bindings || !ts.isNamedImports(bindings)) continue;
    const module = `${relative(ROOT, resolve(ROOT, dirname(path), specifier))
      .split('\\')
      .join('/')}.ts`;
    for (const element of bindings.elements) {
      found.set(element.name.text, [module, (element.propertyName ?? element.name).text]);
    }
  }
  return found;
}

/** The body of the exported function (or const) `name` of a module. */
function exportedFunction(file: ts.SourceFile, name: string): ts.Node | undefined {
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name) return d;
      }
    }
  }
  return undefined;
}

/** The routes (`'id': handler`) of every `httpFunction(name, routeTable, { ... })` call of a file. */
function routesOf(file: ts.SourceFile): Array<{ id: string; handler: ts.Node }> {
  const routes: Array<{ id: string; handler: ts.Node }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'httpFunction') {
      const table = node.arguments[2];
      if (table && ts.isObjectLiteralExpression(table)) {
        for (const p of table.properties) {
          if (ts.isPropertyAssignment(p) && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name))) {
            routes.push({ id: p.name.text, handler: p.initializer });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return routes;
}

interface KeyRoute {
  readonly file: string;
  readonly id: string;
  /** How the key reaches runOnce (`runOnce` itself, or `module#function`); undefined: it does not. */
  readonly via?: string;
}

/** Each route of `path` whose handler reads the Idempotency-Key header, and how the key reaches runOnce. */
function keyRoutes(path: string, read: Read): KeyRoute[] {
  const text = read(path);
  if (text === undefined) throw new Error(`Cannot read ${path}`);
  const file = parse(path, text);
  const imports = importsOf(file, path);
  const found: KeyRoute[] = [];
  for (const { id, handler } of routesOf(file)) {
    if (!mentions(handler, new Set([HEADER]))) continue;
    // The key: the header itself, or any variable made from it (`const key = idempotencyKeyOf(...)`).
    const keyNames = new Set([HEADER]);
    for (let grown = true; grown; ) {
      grown = false;
      some(handler, (n) => {
        if (
          ts.isVariableDeclaration(n) &&
          ts.isIdentifier(n.name) &&
          !keyNames.has(n.name.text) &&
          n.initializer &&
          mentions(n.initializer, keyNames)
        ) {
          keyNames.add(n.name.text);
          grown = true;
        }
        return false;
      });
    }
    let via: string | undefined;
    some(handler, (n) => {
      if (!ts.isCallExpression(n) || !ts.isIdentifier(n.expression)) return false;
      if (!n.arguments.some((a) => mentions(a, keyNames))) return false;
      const callee = n.expression.text;
      if (callee === 'runOnce') via = 'runOnce';
      const imported = imports.get(callee);
      const source = imported && read(imported[0]);
      const fn =
        imported && source !== undefined ? exportedFunction(parse(imported[0], source), imported[1]) : undefined;
      if (imported && fn && callsRunOnce(fn)) via = `${imported[0]}#${imported[1]}`;
      return via !== undefined;
    });
    found.push({ file: path, id, ...(via ? { via } : {}) });
  }
  return found;
}

const fromDisk: Read = (path) => {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
};

const allKeyRoutes = () =>
  readdirSync(join(ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => keyRoutes(`functions/${f}`, fromDisk));

describe('architecture: every route that reads an Idempotency-Key goes through runOnce', () => {
  const routes = allKeyRoutes();

  it('finds the routes that take a key (the check reads what it should)', () => {
    expect(routes.map((r) => r.id).sort()).toEqual(
      expect.arrayContaining([
        'ai.calls.create',
        'campaigns.enrol',
        'email-templates.send',
        'emails.send',
        'hooks.campaign',
        'interactions.create',
      ]),
    );
  });

  it('hands each key to runOnce, which refuses it with another request (422)', () => {
    expect(routes.filter((r) => r.via === undefined).map((r) => `${r.file} ${r.id}`)).toEqual([]);
  });

  it('documents IDEMPOTENCY_KEY_REUSED for each of them (lib/api-docs/error-responses.ts UNPROCESSABLE)', () => {
    expect(routes.filter((r) => !UNPROCESSABLE[r.id]?.includes('IDEMPOTENCY_KEY_REUSED')).map((r) => r.id)).toEqual([]);
  });

  it('catches a route that only derives an id from the key, and sees runOnce one call away', () => {
    const files: Record<string, string> = {
      'functions/fake.ts': `
        import { deriveOnly } from '../shared/fake/derive';
        import { onceUseCase } from '../shared/fake/once';
        import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, runOnce } from '../shared/idempotency/run-once';
        export const handler = httpFunction('fake', fakeRoutes, {
          'fake.derives': defineOperation({}, async ({ body }, request) => {
            const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
            return deriveOnly(body, key);
          }),
          'fake.use-case': defineOperation({}, async ({ body }, request) =>
            onceUseCase(body, request.headers[IDEMPOTENCY_KEY_HEADER])),
          'fake.direct': defineOperation({}, async ({ body }, request) => {
            const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
            const scope = { operation: 'fake.direct', key };
            return runOnce(deps, scope, { fingerprint: 'f', plan: {} }, async () => body);
          }),
          'fake.no-key': defineOperation({}, async ({ body }) => body),
        });`,
      'shared/fake/derive.ts': 'export async function deriveOnly(body, key) { return { id: "x-" + key }; }',
      'shared/fake/once.ts': 'export const onceUseCase = async (body, header) => runOnce(deps, scope, req, run);',
    };
    const found = keyRoutes('functions/fake.ts', (path) => files[path]);
    expect(found).toEqual([
      { file: 'functions/fake.ts', id: 'fake.derives' },
      { file: 'functions/fake.ts', id: 'fake.use-case', via: 'shared/fake/once.ts#onceUseCase' },
      { file: 'functions/fake.ts', id: 'fake.direct', via: 'runOnce' },
    ]);
  });
});
