/** What `npm run load:<profile>` prints at the end, from the run's summary. */
import type { CheckSet, LoadSummary, Percentiles } from '../common/summary';
import { fmt } from './format';

const trio = (p: Percentiles) => `p50 ${fmt(p.p50)} ms, p95 ${fmt(p.p95)} ms, p99 ${fmt(p.p99)} ms`;

const checkLines = (title: string, set: CheckSet) => [
  `${title} (${set.source}): ${set.verdict}`,
  ...set.checks.map((c) => `  ${c.ok === false ? 'fail' : 'ok'}: ${c.name} ${c.measured} (limit ${c.limit})`),
];

export function verdictLines(s: LoadSummary): string[] {
  const l = s.latencyMs;
  return [
    `End to end (request issued -> last byte, waiting for a pooled connection included): ${trio(l.endToEnd)}`,
    `Artillery http.response_time (request written -> first byte, no connection wait): ${trio(l.artilleryFirstByte)}`,
    ...(l.serverSide ? [`Server-side (runtime's own clock): ${trio(l.serverSide)}`] : []),
    ...checkLines('Seed thresholds', s.seed),
    ...(s.targets.checks.length ? checkLines('Targets, reported separately', s.targets) : []),
  ];
}
