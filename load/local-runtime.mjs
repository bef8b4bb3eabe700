/**
 * A local runtime for one load run: production mode, load mode, a fresh data directory, a free
 * port; its output and (optionally) its own statistics go to files. Used by load/run.mjs and
 * load/flow-costs.mjs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** GET /api/health: undefined when nothing answers, else the status and whether it is in load mode. */
export async function probe(target) {
  try {
    const res = await fetch(`${target}/api/health`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return { status: res.status, loadMode: res.headers.has('x-load-client-header') };
  } catch {
    return undefined;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the runtime and waits for /api/health (dots as progress). `logFile` receives its output;
 * `statsFile`, when given, its per-10-s statistics (LOCAL_STATS_FILE).
 */
export async function startLoadRuntime({ logFile, statsFile }) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unite-hub-load-'));
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
      TRUST_LOAD_CLIENT_HEADER: 'x-load-client',
      PORT: String(port),
      // Emulators on free ports too: the block that follows a random PORT could meet a developer's runtime.
      EMULATOR_BASE_PORT: process.env.EMULATOR_BASE_PORT ?? '0',
      DATA_DIR: dataDir,
      ...(statsFile ? { LOCAL_STATS_FILE: statsFile } : {}),
    },
  });
  const target = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.stdout.write(`Starting a local runtime for this run (production and load mode, port ${port}) `);
  const deadline = Date.now() + 90_000;
  for (;;) {
    // Ready once it answers and has seeded the load-test account (seeding follows the first answer).
    const health = await probe(target);
    if (health?.status === 200 && fs.existsSync(path.join(dataDir, 'load-account.json'))) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      console.error(`\nThe runtime did not start; its output is in ${path.relative(process.cwd(), logFile)}`);
      child.kill('SIGKILL');
      process.exit(1);
    }
    process.stdout.write('.');
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(' ready');
  return {
    target,
    pid: child.pid,
    dataDir,
    logFile,
    accountFile: path.join(dataDir, 'load-account.json'),
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
