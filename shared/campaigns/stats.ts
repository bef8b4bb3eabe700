/**
 * A campaign's counters, as the API shows them: totals, per node, and per A/B node (a split's
 * arms, an email node's subject variants) with the stated test (ab-test.ts) and the promotion in
 * force, if any. The counters are kept by atomic ADDs as enrolments move (and as email events
 * arrive), so reading them is one item, never a scan.
 */

import { own } from '../security/own';
import {
  AB_METRIC_COUNTER,
  AB_METRICS,
  type AbMetric,
  type AbVerdict,
  type ArmResult,
  type StatedTest,
  statedTest,
} from './ab-test';
import type { Journey, JourneyNode } from './journey';
import type { Promotion, Promotions } from './promotion';
import { HOLDOUT_ARM, subjectLineId } from './split';

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
  'retried',
] as const;

type Counters = Readonly<Record<string, number>>;

export interface CampaignStats {
  /**
   * The campaign's counters. `converted`: runs that met a goal having been given the journey; a
   * contact a split held out (its control group, `exited.holdout`) that meets the campaign goal is
   * counted for that split's holdout only (`splits.<id>.holdout.converted`), so the headline is not
   * inflated by contacts who never got the journey. `entered` still counts them (every end lands in
   * one end bucket: `entered` = `waiting` + `completed` + every `exited`), so the journey's own rate
   * is `converted` / (`entered` - `exited.holdout`).
   */
  readonly totals: Record<(typeof TOTALS)[number], number> & { exited: Record<string, number> };
  readonly nodes: Record<string, Record<string, number>>;
  readonly splits: Record<
    string,
    {
      /** Per arm: contacts that entered it, and those of them that converted, opened, clicked. */
      arms: Record<string, { entered: number } & Record<AbMetric, number>>;
      /** The split's control group (`holdoutPercent`): measured, never tested or promoted. */
      holdout: HoldoutStats;
      verdict: AbVerdict;
      /** The test that decides (the node's `promote.metric`, else conversions). */
      test: StatedTest;
      /** The same test on every metric, for a person deciding by hand. */
      tests: Record<AbMetric, StatedTest>;
      promotion?: Promotion;
    }
  >;
  /**
   * Email nodes with subject variants, by node: each line of the running version (by its index
   * there) with its subject, line id, and its own sends, conversions, opens and clicks (counted by
   * line id, so summed over every version that sent that line, wherever it stood).
   */
  readonly variants: Record<
    string,
    {
      variants: Record<string, { subject: string; line: string; sent: number } & Record<AbMetric, number>>;
      /**
       * Counters from before lines had ids (`variant:<node>:<n>`), under the index they had in
       * whichever version sent them: shown, but in no test (which line they were is not known).
       */
      earlier?: Record<string, { sent: number } & Record<AbMetric, number>>;
      test: StatedTest;
      tests: Record<AbMetric, StatedTest>;
      promotion?: Promotion;
    }
  >;
}

/**
 * A split's holdout: contacts it held out (`arm:<split>:holdout`), those of them that met the
 * campaign goal within its window (`armconv:<split>:holdout`; they get no mail and run no node),
 * their rate, and each arm's lift on conversions over it (the arm's rate / the holdout's - 1;
 * `null` while the holdout has no conversion to compare with).
 */
export interface HoldoutStats {
  entered: number;
  converted: number;
  rate: number;
  lift: Record<string, number | null>;
}

/** A node whose arms (or subject variants) are tested against each other. */
export type AbNode = Extract<JourneyNode, { kind: 'split' }> | Extract<JourneyNode, { kind: 'email' }>;

export const isAbNode = (node: JourneyNode): node is AbNode =>
  node.kind === 'split' || (node.kind === 'email' && node.subjectVariants !== undefined);

/**
 * Each arm of an A/B node with its counters: a split's arms by id (`arm:` entered), an email
 * node's subject lines by line id (split.ts `subjectLineId`; `variant:` sent), named by their
 * index in `node` (the arm of the result); successes by the metric's counter
 * (AB_METRIC_COUNTER: `armconv:`, `armopen:`, `armclick:`). The step runner records a line's id
 * as the enrolment's "arm" at that node, so its conversions count per line; opens and clicks are
 * counted by the tracking links, which carry the send's line id and split arms. Keyed by the line's
 * text, a line's numbers follow it across versions, and a line new in this version starts at zero.
 */
export function armResults(node: AbNode, counters: Counters, metric: AbMetric = 'converted'): ArmResult[] {
  const at = (name: string) => counters[name] ?? 0;
  const prefix = AB_METRIC_COUNTER[metric];
  if (node.kind === 'split') {
    return node.arms.map((a) => ({
      arm: a.id,
      entered: at(`arm:${node.id}:${a.id}`),
      successes: at(`${prefix}:${node.id}:${a.id}`),
    }));
  }
  return (node.subjectVariants ?? []).map((subject, i) => {
    const line = subjectLineId(subject);
    return { arm: String(i), entered: at(`variant:${node.id}:${line}`), successes: at(`${prefix}:${node.id}:${line}`) };
  });
}

/** The counters of an email node from before lines had ids (`variant:<node>:<n>`), by that index. */
function earlierVariants(
  node: AbNode,
  counters: Counters,
): Record<string, { sent: number } & Record<AbMetric, number>> {
  const out: Record<string, { sent: number } & Record<AbMetric, number>> = {};
  const pattern = new RegExp(`^(variant|${AB_METRICS.map((m) => AB_METRIC_COUNTER[m]).join('|')}):${node.id}:(\\d+)$`);
  for (const [name, value] of Object.entries(counters)) {
    const match = pattern.exec(name);
    if (!match?.[1] || match[2] === undefined) continue;
    const entry = out[match[2]] ?? { sent: 0, converted: 0, opened: 0, clicked: 0 };
    out[match[2]] = entry;
    const metric = AB_METRICS.find((m) => AB_METRIC_COUNTER[m] === match[1]);
    if (metric) entry[metric] = value;
    else entry.sent = value;
  }
  return out;
}

/** The metric that decides a node's test: its `promote.metric`, else conversions. */
export const abMetricOf = (node: AbNode): AbMetric => node.promote?.metric ?? 'converted';

/**
 * The arms of a node that take contacts: every subject line, and every arm of a split but those at
 * 0% of its traffic (an arm switched off, or kept to hold its id), which no contact can enter.
 */
const takesContacts = (node: AbNode, arm: string): boolean =>
  node.kind !== 'split' || (node.arms.find((a) => a.id === arm)?.percent ?? 0) > 0;

/**
 * The stated test of an A/B node on `metric` (default: the one that decides), with the node's
 * `promote` settings, over the arms that take contacts: an arm at 0% could never reach
 * `minPerArm`, and would keep the test (and the `promote` rule) at "not enough data" for ever, so it
 * is left out, named in `notTested` (whatever it counted under an earlier version's percentage: it
 * takes no contact now, so it is neither judged nor promoted automatically; a person may still
 * promote it by hand).
 */
export function abNodeTest(node: AbNode, counters: Counters, metric: AbMetric = abMetricOf(node)): StatedTest {
  const arms = armResults(node, counters, metric);
  const notTested = arms.filter((a) => !takesContacts(node, a.arm)).map((a) => a.arm);
  const test = statedTest(
    arms.filter((a) => takesContacts(node, a.arm)),
    {
      metric,
      ...(node.promote?.after ? { minPerArm: node.promote.after.minPerArm } : {}),
      label: node.kind === 'split' ? (arm) => `arm ${arm}` : (i) => `variant ${i}`,
    },
  );
  return notTested.length > 0 ? { ...test, notTested } : test;
}

/** Every metric's test of the node, keyed by metric. */
function allTests(node: AbNode, counters: Counters): Record<AbMetric, StatedTest> {
  return Object.fromEntries(AB_METRICS.map((m) => [m, abNodeTest(node, counters, m)])) as Record<AbMetric, StatedTest>;
}

/**
 * Every arm of the node (tested or not: `notTested`), in the node's order, with its contacts (or
 * sends) and each metric's successes.
 */
function armCounts(node: AbNode, counters: Counters): ({ arm: string; entered: number } & Record<AbMetric, number>)[] {
  const byMetric = AB_METRICS.map((m) => armResults(node, counters, m));
  return (byMetric[0] ?? []).map((a, i) => ({
    arm: a.arm,
    entered: a.entered,
    ...(Object.fromEntries(AB_METRICS.map((m, k) => [m, byMetric[k]?.[i]?.successes ?? 0])) as Record<
      AbMetric,
      number
    >),
  }));
}

function holdoutOf(node: AbNode, counters: Counters, at: (name: string) => number): HoldoutStats {
  const entered = at(`arm:${node.id}:${HOLDOUT_ARM}`);
  const conversions = at(`${AB_METRIC_COUNTER.converted}:${node.id}:${HOLDOUT_ARM}`);
  const rate = entered === 0 ? 0 : conversions / entered;
  const lift = Object.fromEntries(
    armResults(node, counters, 'converted').map((a) => [
      a.arm,
      rate === 0 ? null : (a.entered === 0 ? 0 : a.successes / a.entered) / rate - 1,
    ]),
  );
  return { entered, converted: conversions, rate, lift };
}

export function campaignStats(counters: Counters, journey: Journey, promotions: Promotions = {}): CampaignStats {
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
    const node = match?.[1] ? own(nodes, match[1]) : undefined;
    if (node && match?.[2]) (node as Record<string, number>)[match[2]] = value;
  }
  const splits: CampaignStats['splits'] = {};
  const variants: CampaignStats['variants'] = {};
  for (const node of journey.nodes) {
    if (!isAbNode(node)) continue;
    const tests = allTests(node, counters);
    const test = tests[abMetricOf(node)];
    const promotion = own(promotions, node.id);
    const arms = armCounts(node, counters);
    if (node.kind === 'split') {
      const { text: _text, ...verdict } = test.verdict;
      splits[node.id] = {
        arms: Object.fromEntries(arms.map(({ arm, ...counts }) => [arm, counts])),
        holdout: holdoutOf(node, counters, at),
        verdict,
        test,
        tests,
        ...(promotion ? { promotion } : {}),
      };
    } else {
      const earlier = earlierVariants(node, counters);
      variants[node.id] = {
        variants: Object.fromEntries(
          arms.map(({ arm, entered, ...metrics }) => {
            const subject = node.subjectVariants?.[Number(arm)] ?? '';
            return [arm, { subject, line: subjectLineId(subject), sent: entered, ...metrics }];
          }),
        ),
        ...(Object.keys(earlier).length > 0 ? { earlier } : {}),
        test,
        tests,
        ...(promotion ? { promotion } : {}),
      };
    }
  }
  return { totals, nodes, splits, variants };
}
