/**
 * The committed summary of one load run (docs/load/<profile>.json, a few KB): what
 * `npm run load:report` renders docs/PERFORMANCE_BASELINES.md from. load/run.mjs writes it after
 * each run from the raw Artillery result (git-ignored) and its sidecars; `node load/summarize.mjs
 * <result>` writes it again from a result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR } from './paths';

/** Where the committed summaries live. */
export const SUMMARY_DIR = path.join(REPO_DIR, 'docs', 'load');
export const SUMMARY_SCHEMA = 1;

/** Percentiles in ms (or % / MB for samples), rounded to 0.1. */
export interface Percentiles {
  count?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export interface SummaryCheck {
  name: string;
  limit: string;
  measured: string;
  ok: boolean | null;
}

export interface CheckSet {
  /** Where the limits come from: the profile YAML, or issue 15's targets. */
  source: string;
  verdict: 'PASS' | 'FAIL' | 'none';
  checks: SummaryCheck[];
}

export interface EndpointSummary {
  name: string;
  responses: number;
  endToEndMs: Percentiles;
  artilleryMs: Percentiles;
  codes: Record<string, number>;
  errors: Record<string, number>;
}

/** Per Artillery period (~10 s): one row of `columns`, null where not measured. */
export interface Timeline {
  columns: string[];
  rows: (number | null)[][];
}

export interface LoadSummary {
  schema: number;
  profile: string;
  profileFile: string;
  command: string;
  artillery: string;
  target: string;
  startedRuntime: boolean;
  commit: string;
  /** Tracked files differed from the commit when the run started. */
  dirty: boolean;
  startedAt: string;
  finishedAt: string;
  metricSeconds: number;
  plannedSeconds: number;
  machine: {
    cpuModel: string;
    cores: number;
    memGiB: number;
    os: string;
    node: string;
    /** os.loadavg() (1, 5, 15 min) just before and just after the run. */
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  /** Artillery's `config.http.pool`: kept-alive connections the virtual users share. */
  connectionPool: number | null;
  virtualUsers: { asked: number | null; created: number; completed: number; failed: number };
  requests: { sent: number; answered: number; statuses: Record<string, number>; errors: Record<string, number> };
  latencyMs: {
    /** Request issued by the virtual user -> last byte (load/processor.cjs): the number. */
    endToEnd: Percentiles;
    /** Artillery's http.response_time: request written to a socket -> first byte. */
    artilleryFirstByte: Percentiles;
    /** The runtime's own clock: request received -> answer written. */
    serverSide: Percentiles | null;
  };
  /** Against the profile's thresholds (the exit code), and against issue 15's targets. */
  seed: CheckSet;
  targets: CheckSet;
  counters: { slowOver2sEndToEnd: number; rateLimited429: number; serverErrors5xx: number };
  throughput: { bestPerSecond: number; non429PerSecond: number; fromSecond: number; toSecond: number } | null;
  firstRateLimitAtSecond: number | null;
  generator: {
    cpuPercent: Percentiles | null;
    fellBehind: boolean;
    limitedByItsCpu: boolean;
    worstWindow: { fromSecond: number; toSecond: number; asked: number; created: number } | null;
  };
  server: {
    cpuPercent: Percentiles | null;
    rssMb: Percentiles | null;
    /** The runtime's memory when the profile ended (its last statistics line, and /proc). */
    atEnd: Record<string, number> | null;
    inFlightPeak: number | null;
    eventLoopDelayP99Ms: number | null;
    eventLoopUtilization: number | null;
  };
  endpoints: EndpointSummary[];
  timeline: Timeline;
}

export const summaryFile = (profile: string, dir = SUMMARY_DIR) => path.join(dir, `${profile}.json`);

/** Objects and arrays of plain values that fit this many characters are written on one line. */
const INLINE = 110;

function serialize(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const flat = JSON.stringify(value);
  const nested = Object.values(value).some((v) => v !== null && typeof v === 'object');
  if (flat.length + indent.length <= INLINE && (!nested || Array.isArray(value))) {
    // A space after each separator, none inside strings (names and error messages stay as they are).
    return flat.replace(/("(?:[^"\\]|\\.)*")|[,:](?=["\d[{-]|null|true|false)/g, (m, str) => str ?? `${m} `);
  }
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => `${inner}${serialize(v, inner)}`)
    : Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialize(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return items.length ? `${open}\n${items.join(',\n')}\n${indent}${close}` : `${open}${close}`;
}

/** JSON with small objects and each timeline row on one line, so the file stays small and diffable. */
export function stringifySummary(summary: LoadSummary): string {
  return `${serialize(summary, '')}\n`;
}

export function writeSummary(summary: LoadSummary, dir = SUMMARY_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = summaryFile(summary.profile, dir);
  fs.writeFileSync(file, stringifySummary(summary));
  return file;
}

/** Every `<profile>.json` summary in `dir` (other JSON, such as flow-costs.json, is skipped). */
export function readSummaries(dir = SUMMARY_DIR): LoadSummary[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as LoadSummary)
    .filter((s) => s.schema === SUMMARY_SCHEMA && typeof s.profile === 'string');
}
