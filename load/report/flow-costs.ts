/** The capacity model: server CPU per flow (`npm run load:costs`) weighed by the scenario mix. */
import type { Scenario } from '../common/profiles';
import type { FlowCosts } from '../common/results';
import { fmt, utc } from './format';

/** The hammer scenario sends this many requests a virtual user; its flow measured one. */
const HAMMER_REQUESTS = 5;

/**
 * Server CPU per flow (measured) and what the scenario mix costs per new virtual user: the
 * capacity model that says at which arrival rate this machine's cores run out.
 */
export function renderFlowCosts(costs: (FlowCosts & { file: string }) | undefined, scenarios: Scenario[]): string[] {
  if (!costs) return ['## Server cost per flow', '', 'not run: `npm run load:costs`', ''];
  const weights: Record<string, number> = Object.fromEntries(scenarios.map((sc) => [sc.name, sc.weight ?? 1]));
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const rows = costs.rows.map((r) => {
    const name = r.flow.replace(/ \(refused\)$/, '');
    const w = weights[name];
    return { ...r, weight: w, share: w !== undefined && total ? w / total : undefined };
  });
  const perVu = rows.reduce(
    (sum, r) => sum + (r.share ?? 0) * r.serverCpuMsPerFlow * (/hammer/.test(r.flow) ? HAMMER_REQUESTS : 1),
    0,
  );
  return [
    '## Server cost per flow',
    '',
    `Measured by \`${costs.command}\` (\`${costs.file.includes('/') ? costs.file : `load/results/${costs.file}`}\`, ${utc(costs.at)}${costs.commit ? `, commit \`${costs.commit}\`${costs.dirty ? ' (dirty)' : ''}` : ''}, ${costs.machine?.cpuModel ?? 'unknown CPU'} x ${costs.machine?.cores ?? '?'}):`,
    `CPU time of all the server's threads per flow of \`load/scenarios.yml\`, ${costs.concurrency} flows in flight (log-ins one at a time), on a runtime started for it.`,
    '',
    '| flow | weight | server CPU ms per flow | wall ms per flow |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.flow} | ${r.weight ?? '-'} | ${fmt(r.serverCpuMsPerFlow)} | ${fmt(r.wallMsPerFlow)} |`),
    '',
    `With these weights a new virtual user costs the server about ${fmt(perVu)} ms of CPU (the hammer counted as its ${HAMMER_REQUESTS} requests), so`,
    `${fmt(1000 / perVu, 0)} new virtual users/s keep one core busy and about ${fmt(2000 / perVu, 0)}/s would fill two cores, before the load`,
    'generator takes its share of the same machine.',
    '',
  ];
}
