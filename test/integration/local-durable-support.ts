/**
 * For the local-durable-*.test.ts files (not a test): starts local-durable-child.ts in MODE on
 * DATA_DIR and resolves with the first JSON line it prints; the test ends it with SIGKILL (or by
 * making its next file write fail) as a crash would.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Child {
  readonly process: ChildProcess;
  /** The first JSON line the child printed. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything printed so far (for failure messages). */
  output(): string;
  kill(): Promise<void>;
}

export function startChild(mode: 'secret-key' | 'gitignore' | 'sqs', dataDir: string): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join('test', 'integration', 'local-durable-child.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, MODE: mode },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child (${mode}) did not start: ${out}`)), 30_000);
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /^\{.*\}$/m.exec(out)?.[0];
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`child (${mode}) exited before it was ready: ${out}`));
    });
  });
  ready.catch(() => undefined);
  return {
    process: child,
    ready,
    exited,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Runs MODE's first write in a child whose file-size limit is 0 (prlimit): the first byte it
 * writes to a file fails and the process dies there, as a kill in the middle of the write would.
 * @returns the child's exit code (not 0: it died).
 */
export async function crashOnFirstWrite(mode: 'secret-key' | 'gitignore', dataDir: string): Promise<number | null> {
  const child = startChild(mode, dataDir);
  try {
    await child.ready;
    execFileSync('prlimit', ['--pid', String(child.process.pid), '--fsize=0']);
    child.process.stdin?.write('go\n');
    return await child.exited;
  } finally {
    await child.kill();
  }
}
