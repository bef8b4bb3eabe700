/** How numbers, times, commits and machines are written in the document and the charts. */
import type { RunMeta } from '../common/results';

/** Rounded to `digits` decimals without trailing zeros; `n/a` when not a number. */
export function fmt(n: unknown, digits = 1): string {
  if (typeof n !== 'number' || Number.isNaN(n)) return 'n/a';
  const f = 10 ** digits;
  return String(Math.round(n * f) / f);
}
export const pct = (part: number, whole: number) => (whole ? `${fmt((part / whole) * 100, 2)}%` : 'n/a');
/** `2026-11-25T20:22:47.553Z` as `2026-11-25 20:22:47 UTC`. */
export const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
/** A full SHA shortened to 12 digits; anything else (`9462f7b (with uncommitted changes)`) as written. */
export const shortCommit = (meta: RunMeta | undefined) => {
  if (!meta?.gitCommit) return undefined;
  const commit = String(meta.gitCommit);
  return /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 12) : commit;
};
/** `[['200', 5], ['429', 2]]` as `5 x 200, 2 x 429`. */
export const list = (entries: [string, unknown][], none = 'none') =>
  entries.length ? entries.map(([k, v]) => `${v} x ${k}`).join(', ') : none;

export function machineText(meta: RunMeta | undefined): string {
  const mc = meta?.machine;
  if (!mc) return 'not recorded (no meta file)';
  const cpu = [mc.cores ? `${mc.cores} x` : '', mc.cpuModel ?? 'unknown CPU'].filter(Boolean).join(' ');
  const mem = mc.memGiB !== undefined ? `, ${fmt(Number(mc.memGiB))} GiB RAM` : '';
  const os = mc.os ? `, ${mc.os}` : '';
  const node = meta.node ? `, Node ${meta.node}` : '';
  return `${cpu}${mem}${os}${node}`;
}

/** The npm script that makes a result of this kind, for runs without a recorded command. */
export const scriptFor = (a: { aws: boolean; profile: string }) =>
  a.aws ? `npm run load:aws -- --region REGION --count WORKERS --profile ${a.profile}` : `npm run load:${a.profile}`;
