/**
 * A campaign's counters, as the API shows them: totals, per node, and per split arm with the
 * A/B verdict. The counters are kept by atomic ADDs as enrolments move (and as email events
 * arrive), so reading them is one item, never a scan.
 */
import { type AbVerdict, judgeArms } from './ab-test';
import type { Journey } from './journey';

const TOTALS = [
  'entered',
  'waiting',
  'completed',
  'converted',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'replied',
  'bounced',
  'unsubscribed',
] as const;

export interface CampaignStats {
  readonly totals: Record<(typeof TOTALS)[number], number> & { exited: Record<string, number> };
  readonly nodes: Record<string, Record<string, number>>;
  readonly splits: Record<
    string,
    { arms: Record<string, { entered: number; converted: number }>; holdout: number; verdict: AbVerdict }
  >;
}

export function campaignStats(counters: Readonly<Record<string, number>>, journey: Journey): CampaignStats {
  const at = (name: string) => counters[name] ?? 0;
  const totals = Object.fromEntries(TOTALS.map((t) => [t, at(t)])) as unknown as CampaignStats['totals'];
  const exited: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    if (name.startsWith('exited:')) exited[name.slice('exited:'.length)] = value;
  }
  // Exits for these reasons are what the totals call replied, bounced and unsubscribed.
  totals.exited = exited;
  totals.replied = Math.max(totals.replied, exited.replied ?? 0);
  totals.bounced = Math.max(totals.bounced, exited.bounced ?? 0);
  totals.unsubscribed = Math.max(totals.unsubscribed, exited.unsubscribed ?? 0);
  const nodes: CampaignStats['nodes'] = {};
  for (const node of journey.nodes) nodes[node.id] = {};
  for (const [name, value] of Object.entries(counters)) {
    const match = /^node:([^:]+):(.+)$/.exec(name);
    if (match?.[1] && match[2] && nodes[match[1]]) (nodes[match[1]] as Record<string, number>)[match[2]] = value;
  }
  const splits: CampaignStats['splits'] = {};
  for (const node of journey.nodes) {
    if (node.kind !== 'split') continue;
    const arms = Object.fromEntries(
      node.arms.map((a) => [
        a.id,
        { entered: at(`arm:${node.id}:${a.id}`), converted: at(`armconv:${node.id}:${a.id}`) },
      ]),
    );
    splits[node.id] = {
      arms,
      holdout: at(`arm:${node.id}:holdout`),
      verdict: judgeArms(Object.entries(arms).map(([arm, c]) => ({ arm, entered: c.entered, successes: c.converted }))),
    };
  }
  return { totals, nodes, splits };
}
