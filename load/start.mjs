#!/usr/bin/env node
/**
 * `npm run load:start`: the local runtime in load mode. TRUST_LOAD_CLIENT_HEADER makes it take
 * the client address from `x-load-client` (a simulated client per virtual user), so per-client
 * rate limits are exercised as with real traffic. NEVER set that variable in the cloud (where it
 * is ignored anyway, since ORIGIN_VERIFY_SECRET_ARN is set there). PORT and DATA_DIR pass through.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What `npm start` runs, without npm in between, so signals reach the runtime.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['bin/local.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    TRUST_LOAD_CLIENT_HEADER: 'x-load-client',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
