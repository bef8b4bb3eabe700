/**
 * What the report reads: the result files (chosen on the command line or the newest per profile),
 * their `.meta.json` and `.server-stats.jsonl` sidecars, the newest `npm run load:costs` result,
 * and the hand-written findings of the document it replaces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR } from '../common/paths';
import {
  type ArtilleryResult,
  FLOW_COSTS_NAME,
  type FlowCosts,
  parseResultName,
  type ResultName,
  type RunMeta,
  readJson,
  readResult,
  type ServerStatsLine,
  sidecarOf,
} from '../common/results';
import { type ReportOptions, UsageError } from './args';

export interface ServerStats {
  windows: ServerStatsLine[];
  total: ServerStatsLine | undefined;
}

/** One result with everything read beside it. */
export interface Run extends ResultName {
  file: string;
  result: ArtilleryResult;
  metaFile: string | undefined;
  meta: RunMeta | undefined;
  serverStats: ServerStats | undefined;
}

/** The newest result per key (`basic`, `aws-basic`...): stamps are ISO times, so names sort by time. */
function newestResults(resultsDir: string): Record<string, string> {
  const names = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).sort() : [];
  const chosen: Record<string, string> = {};
  for (const name of names) {
    const parsed = parseResultName(name);
    if (parsed) chosen[parsed.key] = path.join(resultsDir, name);
  }
  return chosen;
}

/** Result file per key: the files named, or else the newest of each key in the results directory. */
export function chosenResults(options: ReportOptions): Record<string, string> {
  if (options.files.length === 0) return newestResults(options.resultsDir);
  const chosen: Record<string, string> = {};
  for (const file of options.files) {
    const parsed = parseResultName(file);
    if (!parsed) {
      throw new UsageError(`${file} is not a result file (<profile>-<stamp>.json or aws-<profile>-<stamp>.json)`);
    }
    chosen[parsed.key] = file;
  }
  return chosen;
}

function readMeta(resultFile: string): Pick<Run, 'metaFile' | 'meta'> {
  const metaFile = sidecarOf(resultFile, '.meta.json');
  if (!fs.existsSync(metaFile)) return { metaFile: undefined, meta: undefined };
  try {
    return { metaFile, meta: readJson<RunMeta>(metaFile) };
  } catch (error) {
    console.warn(`Ignoring ${metaFile}: ${(error as Error).message}`);
    return { metaFile: undefined, meta: undefined };
  }
}

/**
 * The runtime's own view of the run (load/run.mjs asks the runtime it starts for it through
 * LOCAL_STATS_FILE): JSON lines per 10 s window and one `total` line. Absent for other targets.
 */
function readServerStats(resultFile: string, meta: RunMeta | undefined): ServerStats | undefined {
  const file = meta?.serverStats
    ? path.resolve(REPO_DIR, meta.serverStats)
    : sidecarOf(resultFile, '.server-stats.jsonl');
  if (!fs.existsSync(file)) return undefined;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ServerStatsLine);
  return { windows: lines.filter((l) => l.kind === 'window'), total: lines.find((l) => l.kind === 'total') };
}

/** A result file (named as `parseResultName` accepts) with its sidecars. */
export function readRun(file: string): Run {
  const parsed = parseResultName(file);
  if (!parsed) throw new UsageError(`${file} is not a result file`);
  const result = readResult(file);
  const { metaFile, meta } = readMeta(file);
  return { ...parsed, file, result, metaFile, meta, serverStats: readServerStats(file, meta) };
}

const FINDINGS = /<!-- findings -->[\s\S]*?<!-- \/findings -->/;

/** The hand-written block between `<!-- findings -->` and `<!-- /findings -->` of the previous document, if any. */
export function previousFindings(file: string): string | undefined {
  return fs.existsSync(file) ? FINDINGS.exec(fs.readFileSync(file, 'utf8'))?.[0] : undefined;
}

/** The newest `npm run load:costs` result in the results directory, if any. */
export function newestFlowCosts(resultsDir: string): (FlowCosts & { file: string }) | undefined {
  const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => FLOW_COSTS_NAME.test(f)) : [];
  const newest = files.sort().at(-1);
  return newest ? { file: newest, ...readJson<FlowCosts>(path.join(resultsDir, newest)) } : undefined;
}
