/**
 * The files a load run leaves in load/results/ and what is in them: written by load/run.mjs,
 * load/aws.mjs and load/flow-costs.mjs, read by the report. The names carry the run's start time,
 * so they sort by time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './paths';
import { isProfileName, PROFILE_NAMES, type ProfileName } from './profiles';

/** A file-name-safe ISO time: `2026-11-25T20-22-47-553Z`. */
export const resultStamp = (at = new Date()) => at.toISOString().replace(/[:.]/g, '-');

/** `load/results/<key>-<stamp>.json`, with key `basic`, `aws-basic`, `flow-costs`... */
export const resultFile = (key: string, stamp = resultStamp()) => path.join(RESULTS_DIR, `${key}-${stamp}.json`);

/** A file written beside a result `<name>.json`. */
export const sidecarOf = (resultFile: string, suffix: '.meta.json' | '.server-stats.jsonl' | '.server.log') =>
  resultFile.replace(/\.json$/, suffix);

/** `basic-2026-11-25T20-22-47-553Z.json` or `aws-basic-...json`; never `*.meta.json`. */
const RESULT_NAME = new RegExp(
  `^(?:(aws)-)?(${PROFILE_NAMES.join('|')})-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z)\\.json$`,
);
/** `npm run load:costs` results. */
export const FLOW_COSTS_NAME = /^flow-costs-.*Z\.json$/;

export interface ResultName {
  /** `basic`, or `aws-basic` for a run on AWS Lambda: one report section and chart per key. */
  key: string;
  profile: ProfileName;
  aws: boolean;
  stamp: string;
}

/** The parts of a result file name, or undefined (meta files, other JSON). */
export function parseResultName(file: string): ResultName | undefined {
  const m = RESULT_NAME.exec(path.basename(file));
  if (!m) return undefined;
  const [, aws, profile = '', stamp = ''] = m;
  if (!isProfileName(profile)) return undefined;
  return { key: aws ? `aws-${profile}` : profile, profile, aws: Boolean(aws), stamp };
}

/** Artillery's statistics of one histogram. */
export interface Summary {
  min: number;
  max: number;
  count: number;
  mean: number;
  p50: number;
  median: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
}

/** One report of Artillery's `--output` JSON: the aggregate, or one intermediate period. */
export interface ArtilleryReport {
  counters?: Record<string, number>;
  rates?: Record<string, number>;
  summaries?: Record<string, Summary>;
  firstMetricAt: number;
  lastMetricAt: number;
  /** Start of an intermediate period, epoch ms (a string in Artillery 2). */
  period?: number | string;
}

export interface ArtilleryResult {
  aggregate: ArtilleryReport;
  intermediate?: ArtilleryReport[];
}

/** `<result>.meta.json`: how the run was made. Every field may be missing in an older file. */
export interface RunMeta {
  profile?: string;
  file?: string;
  command?: string;
  artilleryArgs?: string[] | string;
  target?: string;
  startedRuntime?: boolean;
  runtimeMode?: string;
  /** Repository-relative paths, when the run started its own runtime. */
  serverLog?: string;
  serverStats?: string;
  gitCommit?: string;
  /** The commit alone and whether tracked files differed from it (load/run.mjs since issue 15). */
  commit?: string;
  dirty?: boolean;
  machine?: {
    cpuModel?: string;
    cores?: number;
    memGiB?: number | string;
    os?: string;
    /** os.loadavg() just before and just after the run. */
    loadAverageBefore?: number[];
    loadAverageAfter?: number[];
  };
  /** The runtime's memory read from /proc just before it was stopped, MB. */
  serverAtEnd?: Record<string, number>;
  node?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number | null;
}

/** One line of `<result>.server-stats.jsonl` (LOCAL_STATS_FILE of the local runtime). */
export interface ServerStatsLine {
  kind: 'window' | 'total';
  at: string;
  secondsSinceStart: number;
  requests: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '429': number;
  '5xx': number;
  inFlightPeak: number;
  latencyMs?: { p50: number; p95: number; p99: number; max: number };
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
  eventLoopUtilization?: number;
  /** The runtime's memory when the line was written, MB (rss, heapUsed, heapTotal, external, emulatorHeapUsed). */
  memoryMb?: Record<string, number>;
}

/** `flow-costs-<stamp>.json` of `npm run load:costs`. */
export interface FlowCosts {
  command: string;
  at: string;
  /** Since issue 15 (docs/load/flow-costs.json): the commit and whether the tree differed from it. */
  commit?: string;
  dirty?: boolean;
  machine?: { cpuModel?: string; cores?: number; node?: string };
  concurrency: number;
  rows: FlowCostRow[];
}
export interface FlowCostRow {
  flow: string;
  iterations: number;
  inFlight?: number;
  serverCpuMsPerFlow: number;
  wallMsPerFlow: number;
}

export const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
export const readResult = (file: string) => readJson<ArtilleryResult>(file);
