/** What the `bench:*` commands share: their options, the machine's load, the load runtime typed. */
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR } from './paths';

/** `--name <positive number>` from `args`, else `fallback`; throws on anything else. */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
  return value;
}

/** The 1/5/15-minute load averages, to two decimals. */
export const loadAverage = (): number[] => os.loadavg().map((n) => Math.round(n * 100) / 100);

export interface LoadRuntime {
  target: string;
  pid: number;
  accountFile: string;
  stop(): Promise<void>;
}

/** load/local-runtime.mjs is plain JavaScript (shared with the load scripts): typed here by hand. */
export async function loadRuntimeStarter(): Promise<
  (o: { logFile: string; statsFile?: string }) => Promise<LoadRuntime>
> {
  const module = (await import(path.join(REPO_DIR, 'load', 'local-runtime.mjs'))) as {
    startLoadRuntime(o: { logFile: string; statsFile?: string }): Promise<LoadRuntime>;
  };
  return module.startLoadRuntime;
}
