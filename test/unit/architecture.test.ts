/**
 * The import rules of docs/ARCHITECTURE.md ("Layers"), checked over the real import graph:
 * every `import`, `export … from`, `import type`, `require` and `import()` of the product
 * code, read with the TypeScript compiler's own pre-processor (no type check, no new
 * dependency). Arrows point down or into ports:
 *
 *   functions/ -> shared/http -> shared/<domain> (use cases, models, ports) <- shared/adapters
 *
 * - A domain folder imports no adapter, no HTTP edge, no AWS client module, nothing of lib/
 *   or functions/, and no AWS SDK or Lambda event type.
 * - Only shared/adapters (the storage layer) and shared/aws (one module per client, the
 *   clients created once per process) import an AWS SDK; functions/ get their clients from
 *   shared/aws and their adapters from shared/adapters.
 * - Adapters never import the HTTP edge or a function; the edge never imports a function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Folders of shared/ that hold use cases, models, ports and pure rules only. */
const DOMAINS = ['ai', 'campaigns', 'crm', 'governance', 'health', 'identity', 'idempotency', 'workspaces'] as const;

interface Rule {
  readonly name: string;
  /** Repo-relative path of the importing file (posix separators). */
  readonly from: (file: string) => boolean;
  /** The import, as a repo-relative path for relative specifiers, else the bare specifier. */
  readonly forbids: (target: string) => boolean;
}

const under =
  (...folders: string[]) =>
  (path: string) =>
    folders.some((f) => path.startsWith(`${f}/`));
const isAwsSdk = (target: string) => target.startsWith('@aws-sdk/');

const RULES: readonly Rule[] = [
  {
    name: 'a domain folder imports no adapter, edge, AWS client, lib/, functions/, AWS SDK or Lambda event type',
    from: under(...DOMAINS.map((d) => `shared/${d}`)),
    forbids: (t) =>
      under('shared/adapters', 'shared/http', 'shared/aws', 'lib', 'functions')(t) ||
      isAwsSdk(t) ||
      t === 'aws-lambda' ||
      t.startsWith('@middy/'),
  },
  {
    name: 'only shared/adapters and shared/aws import an AWS SDK',
    from: (f) => under('shared', 'functions')(f) && !under('shared/adapters', 'shared/aws')(f),
    forbids: isAwsSdk,
  },
  {
    name: 'shared/adapters imports neither the HTTP edge nor a function',
    from: under('shared/adapters'),
    forbids: under('shared/http', 'functions'),
  },
  {
    name: 'shared/http imports no function',
    from: under('shared/http'),
    forbids: under('functions'),
  },
  {
    name: 'shared/aws holds the clients only: it imports nothing of the product (its own modules aside)',
    from: under('shared/aws'),
    forbids: (t) => under('shared', 'lib', 'functions')(t) && !under('shared/aws')(t),
  },
];

/**
 * Known violations still being worked off, as `file -> target`. An entry that no longer
 * occurs fails the test too, so the list can only shrink.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

/** Import specifiers of one source text: static, type-only, re-exports, require and import(). */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** A specifier as the rules see it: a repo-relative path when relative, else as written. */
function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(ROOT, resolve(ROOT, dirname(file), specifier))
    .split('\\')
    .join('/');
}

/** Every `file -> target` that breaks a rule, with the rule's name. */
function violations(files: ReadonlyMap<string, string>): Array<{ rule: string; edge: string }> {
  const found: Array<{ rule: string; edge: string }> = [];
  for (const [file, source] of files) {
    for (const specifier of importsOf(source)) {
      const target = targetOf(file, specifier);
      for (const rule of RULES) {
        if (rule.from(file) && rule.forbids(target)) found.push({ rule: rule.name, edge: `${file} -> ${target}` });
      }
    }
  }
  return found;
}

function productFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        files.set(path, readFileSync(join(ROOT, path), 'utf8'));
    }
  };
  for (const dir of ['shared', 'functions', 'lib', 'bin']) walk(dir);
  return files;
}

describe('architecture: import rules', () => {
  const files = productFiles();
  const found = violations(files);

  it('reads the product code, every domain folder included', () => {
    expect(files.size).toBeGreaterThan(100);
    expect(DOMAINS).toEqual(expect.arrayContaining(['crm', 'identity', 'governance', 'workspaces', 'campaigns']));
    for (const domain of DOMAINS) expect([...files.keys()].some(under(`shared/${domain}`))).toBe(true);
  });

  it('has no import that breaks a layer rule (beyond the known ones)', () => {
    const unexpected = found.filter((v) => !KNOWN_VIOLATIONS.includes(v.edge));
    expect(unexpected.map((v) => `${v.edge}   [${v.rule}]`)).toEqual([]);
  });

  it('lists no known violation that is already fixed', () => {
    const edges = new Set(found.map((v) => v.edge));
    expect(KNOWN_VIOLATIONS.filter((edge) => !edges.has(edge))).toEqual([]);
  });

  it('catches a violation in every form an import can take', () => {
    const sources = new Map([
      ['shared/crm/a.ts', "import { dynamoContacts } from '../adapters/dynamo-contacts';"],
      ['shared/crm/b.ts', "import type { KMSClient } from '@aws-sdk/client-kms';"],
      ['shared/identity/c.ts', "export { documents } from '../aws/dynamodb';"],
      ['shared/governance/d.ts', "const m = await import('../http/types');"],
      ['shared/workspaces/e.ts', "import '../../functions/workspaces';"],
      ['functions/f.ts', "import { SQSClient } from '@aws-sdk/client-sqs';"],
      ['shared/adapters/g.ts', "import type { HttpRequest } from '../http/types';"],
      ['shared/http/h.ts', "import { handler } from '../../functions/system';"],
      ['shared/crm/ok.ts', "import { NotFoundError } from '../errors';\nimport type { Contact } from './model';"],
      [
        'shared/adapters/ok.ts',
        "import { GetCommand } from '@aws-sdk/lib-dynamodb';\nimport type { Contact } from '../crm/model';",
      ],
    ]);
    expect(violations(sources).map((v) => v.edge)).toEqual([
      'shared/crm/a.ts -> shared/adapters/dynamo-contacts',
      'shared/crm/b.ts -> @aws-sdk/client-kms',
      'shared/crm/b.ts -> @aws-sdk/client-kms',
      'shared/identity/c.ts -> shared/aws/dynamodb',
      'shared/governance/d.ts -> shared/http/types',
      'shared/workspaces/e.ts -> functions/workspaces',
      'functions/f.ts -> @aws-sdk/client-sqs',
      'shared/adapters/g.ts -> shared/http/types',
      'shared/http/h.ts -> functions/system',
    ]);
  });
});

/**
 * The value (not type-only) imports of a source text, as specifiers: an ES module cycle among
 * these can leave a `const` uninitialised when one side is evaluated first ("Cannot access
 * 'x' before initialization"), depending on which entry imports first, so it breaks one function
 * and not another. Type-only imports are erased and cannot cycle at run time.
 */
function valueImportsOf(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const allTypes =
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Strongly connected groups of more than one file in the value-import graph. */
function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const resolveFile = (from: string, specifier: string): string | undefined => {
    if (!specifier.startsWith('.')) return undefined;
    const base = targetOf(from, specifier);
    return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
  };
  const edges = new Map<string, string[]>();
  for (const [file, source] of files) {
    edges.set(
      file,
      valueImportsOf(file, source)
        .map((s) => resolveFile(file, s))
        .filter((t): t is string => t !== undefined),
    );
  }
  // Tarjan's algorithm.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
    }
    if (low.get(v) === indexOf.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const file of edges.keys()) if (!indexOf.has(file)) visit(file);
  return groups;
}

describe('architecture: no import cycles', () => {
  it('has no cycle of value imports in the product code', () => {
    expect(importCycles(productFiles())).toEqual([]);
  });

  it('finds a cycle through a re-export and ignores one through type-only imports', () => {
    const cyclic = new Map([
      ['shared/a.ts', "import { b } from './b';\nexport const a = 1;"],
      ['shared/b.ts', "export { c as b } from './c';"],
      ['shared/c.ts', "import { a } from './a';\nexport const c = a;"],
      ['shared/d.ts', "import type { E } from './e';\nexport type D = E;"],
      ['shared/e.ts', "import { type D } from './d';\nexport type E = D;"],
    ]);
    expect(importCycles(cyclic)).toEqual([['shared/a.ts', 'shared/b.ts', 'shared/c.ts']]);
  });
});
