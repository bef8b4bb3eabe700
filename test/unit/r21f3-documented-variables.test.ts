// Review round 21: this test failed at 0391036.
/**
 * README.md's Configuration table claims to list every variable: every environment variable the
 * product code reads (the functions, the local runtime, the operations tools) must be named in it,
 * backticked, so a new variable cannot go undocumented. What counts as read (a static scan, so it
 * also sees code no test runs):
 * - `process.env.NAME`, `process.env['NAME']`, `env.NAME` (a ProcessEnv passed on),
 * - the keys of the zod schema in shared/config.ts (the one place the functions' variables are parsed),
 * - `..._ENV = 'NAME'` constants (a variable named once and set by the stack),
 * - the derived names: `TABLE_<table>`, `QUEUE_<queue>_URL`, `<credential>_SECRET_ID` for every
 *   declared table, queue and provider credential.
 * Names the platform sets or the SDKs read for themselves (AWS_*, PATH, ...) are left out, as are the
 * bench and load scripts' own variables (documented in load/README.md and docs/BENCHMARKS.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ProviderSecretName, queues, tables } from '../../lib/definition';
import {
  providerSecretIdEnvName,
  providerSecretVariables,
  queueEnvName,
  tableEnvName,
} from '../../lib/definition/names';

const root = path.resolve(__dirname, '../..');

/** The product's code: the functions, what they share, the local runtime, the operations tools. */
const SOURCES = [
  'functions',
  'shared',
  'lib/local',
  'lib/ops',
  'lib/definition',
  'bin/local.ts',
  'bin/ops-backup.ts',
  'bin/ops-restore.ts',
  'bin/dlq-redrive.ts',
  // DEBUG / E2E_VERBOSE: what the tests print.
  'test/support/test-output.ts',
];

/** Set by the platform, or read by the AWS SDK / Node for themselves; not the product's settings. */
const NOT_OURS = new Set([
  'PATH',
  'NODE_OPTIONS',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
]);

const files = (entry: string): string[] => {
  const full = path.join(root, entry);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(full, f));
};

function variablesReadByCode(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (name: string, where: string) => {
    if (!NOT_OURS.has(name) && !found.has(name)) found.set(name, where);
  };
  const patterns = [
    /process\.env\??\.([A-Z][A-Z0-9_]+)\b/g,
    /process\.env\[\s*['"`]([A-Z][A-Z0-9_]+)['"`]\s*\]/g,
    /\benv\??\.([A-Z][A-Z0-9_]+)\b/g,
    /_ENV\s*=\s*['"`]([A-Z][A-Z0-9_]+)['"`]/g,
  ];
  for (const file of SOURCES.flatMap(files)) {
    const text = readFileSync(file, 'utf8');
    const where = path.relative(root, file);
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) add(match[1] as string, where);
  }
  // The schema's keys: `  NAME: z.` at the top level of the object in shared/config.ts.
  const configText = readFileSync(path.join(root, 'shared/config.ts'), 'utf8');
  const schema = configText.slice(configText.indexOf('const schema = z.object({'), configText.indexOf('\n});'));
  for (const match of schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z\./gm)) add(match[1] as string, 'shared/config.ts');
  for (const t of tables) add(tableEnvName(t.name), 'lib/definition/names.ts (tableEnvName)');
  for (const q of queues) add(queueEnvName(q.name), 'lib/definition/names.ts (queueEnvName)');
  for (const secret of Object.keys(providerSecretVariables) as ProviderSecretName[]) {
    add(providerSecretVariables[secret], 'lib/definition/names.ts (providerSecretVariables)');
    add(providerSecretIdEnvName(secret), 'lib/definition/names.ts (providerSecretIdEnvName)');
  }
  return found;
}

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const configuration = readme.slice(
  readme.indexOf('## Configuration'),
  readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
);
/** Every backticked NAME in the Configuration section's table rows. */
const documented = new Set(
  configuration
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split(' | ')[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string)),
);

describe('README.md "Configuration" lists every variable the code reads', () => {
  const read = variablesReadByCode();

  it('finds the variables (the scan works)', () => {
    for (const name of ['PORT', 'DATA_DIR', 'STAGE', 'TABLE_CORE', 'QUEUE_EMAIL_SENDS_URL', 'LOCAL_SES_FAULT']) {
      expect(read.has(name), name).toBe(true);
    }
  });

  it('has a row naming each one in its first column', () => {
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([name, where]) => `${name} (${where})`);
    expect(missing, 'variables read by the code with no row in README.md "Configuration"').toEqual([]);
  });

  it('names no variable the code does not read', () => {
    const stale = [...documented].filter((name) => !read.has(name));
    expect(stale, 'rows for variables no code reads').toEqual([]);
  });
});
