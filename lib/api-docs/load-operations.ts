/**
 * The validated operations of every HTTP function, read from the entry files themselves: each
 * `handler` carries the operations it routes to (`HttpFunctionHandler.operations`), and each
 * operation the zod schemas the edge validates with. So the API reference is rendered from what
 * the edge enforces, not from a second description that could drift.
 *
 * Why import the entries rather than move every schema into modules of their own: the schemas
 * stay beside the use cases they feed (one place to change), the functions' bundles stay as they
 * are (nothing here is imported by a function), and an entry's cold start only builds AWS clients,
 * which send nothing until called. Config is read at import, so the import runs under a
 * placeholder environment whose endpoints point at a closed local port: a stray call fails fast
 * instead of reaching an account. The caller's environment is restored afterwards.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HttpFunctionHandler } from '../../shared/http/http-function';
import type { DefinedOperation } from '../../shared/http/operation';
import { functions, queueEnvName, queues, tableEnvName, tables } from '../definition';

/** Nothing listens on port 9 (discard): any AWS call made while loading fails at once. */
const NOWHERE = 'http://127.0.0.1:9';

function placeholderEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'docs',
    AWS_SECRET_ACCESS_KEY: 'docs',
    AWS_ENDPOINT_URL: NOWHERE,
    STAGE: 'local',
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    EVENT_BUS_NAME: 'docs',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:docs',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3008',
    LOCAL_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
  };
  for (const t of tables) env[tableEnvName(t.name)] = `docs-${t.name}`;
  for (const q of queues) env[queueEnvName(q.name)] = `${NOWHERE}/000000000000/${q.name}`;
  return env;
}

let loaded: Promise<ReadonlyMap<string, DefinedOperation>> | undefined;

/** Every declared route's operation, by route id (loaded once per process). */
export function loadOperations(
  root = path.resolve(import.meta.dirname, '../..'),
): Promise<ReadonlyMap<string, DefinedOperation>> {
  loaded ??= importAll(root);
  return loaded;
}

async function importAll(root: string): Promise<ReadonlyMap<string, DefinedOperation>> {
  const saved = { ...process.env };
  // Only what is unset: a caller that already runs with a real environment (the local runtime) keeps it.
  for (const [name, value] of Object.entries(placeholderEnvironment())) process.env[name] ??= value;
  try {
    const all = new Map<string, DefinedOperation>();
    for (const fn of functions.filter((f) => f.kind === 'http')) {
      const mod = (await import(pathToFileURL(path.join(root, fn.entry)).href)) as { handler?: HttpFunctionHandler };
      if (!(mod.handler?.operations instanceof Map)) throw new Error(`${fn.entry} exports no httpFunction handler`);
      for (const [id, operation] of mod.handler.operations) all.set(id, operation);
    }
    return all;
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
