/**
 * Is one arm of a split (or one subject line of an email node) really better? The stated test:
 * a two-proportion z-test (pooled standard error), two-sided, at 95%, judged only once every
 * arm has at least `minPerArm` contacts (100 by default): below that, "not enough data" rather
 * than a guess. The arms given are the arms tested: a split's arms at 0% of its traffic, which
 * can take no contact, are left out by the caller (stats.ts `abNodeTest`, `notTested`).
 *
 * With n arms the best arm (highest rate) is compared with each of the others, n - 1 tests, and
 * the 5% is split between them (Bonferroni: each test at 5% / (n - 1)). The best arm wins only
 * when it beats every other arm; for two arms this is the plain 95% test.
 */

export interface ArmResult {
  readonly arm: string;
  /** Contacts that entered the arm. */
  readonly entered: number;
  /** Contacts that did the measured thing (converted, ...). */
  readonly successes: number;
}

/**
 * What a test measures, each counted per arm: `converted` (a goal met; run-step.ts `armconv:`),
 * `opened` and `clicked` (the tracked email's first open or click by a person, never a bot's;
 * a click counts as an open too: images-off readers click without loading the pixel). For an
 * email node's subject variants the unit is the send; for a split's arms the contact (opened any
 * email of the arm at least once). Opens are inflated by mail clients that fetch images for the
 * reader (Apple Mail Privacy Protection): clicks and conversions are the sturdier measures.
 */
export const AB_METRICS = ['converted', 'opened', 'clicked'] as const;
export type AbMetric = (typeof AB_METRICS)[number];
const METRIC_WORDS: Record<AbMetric, string> = { converted: 'conversions', opened: 'opens', clicked: 'clicks' };
/** The counter prefix of each metric's successes per arm: `<prefix>:<node>:<arm>`. */
export const AB_METRIC_COUNTER: Record<AbMetric, string> = {
  converted: 'armconv',
  opened: 'armopen',
  clicked: 'armclick',
};

export const MIN_PER_ARM = 100;
/** The family-wise error rate of a test: 95% confidence. */
export const ALPHA = 0.05;
/** |z| at or beyond this is significant at 95%, two-sided. */
export const Z_95 = 1.959964;

export type AbVerdict =
  | { readonly status: 'too-few'; readonly needPerArm: number }
  | { readonly status: 'no-difference'; readonly z: number }
  | {
      readonly status: 'winner';
      readonly winner: string;
      readonly z: number;
      /**
       * The winner's rate over the runner-up's (the arm with the next highest rate), less 1 (0.5:
       * 50% better). Absent when the runner-up never succeeded: no finite lift (never Infinity,
       * which JSON would show as null).
       */
      readonly lift?: number;
    };

/** One arm against the best arm. */
export interface AbComparison {
  readonly arm: string;
  readonly against: string;
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** p below the per-comparison level (`alpha` of the test). */
  readonly significant: boolean;
}

export interface StatedTest {
  readonly test: 'two-proportion z-test, two-sided';
  readonly metric: AbMetric;
  readonly confidence: 0.95;
  readonly minPerArm: number;
  /** Every arm tested has at least `minPerArm` contacts. */
  readonly enoughData: boolean;
  /** The level each comparison is judged at: 0.05 / (arms - 1). */
  readonly alpha: number;
  readonly arms: readonly (ArmResult & { readonly rate: number })[];
  /** The best arm against each other arm (empty until there is enough data). */
  readonly comparisons: readonly AbComparison[];
  readonly verdict: AbVerdict & { readonly text: string };
  /**
   * A split's arms at 0% of its traffic (stats.ts `abNodeTest`): no contact can enter them, so
   * they are in no test (neither judged nor promoted automatically); their counts are still shown.
   * Absent when every arm is tested.
   */
  readonly notTested?: readonly string[];
}

/**
 * The z statistic of two proportions (pooled standard error); 0 when it is undefined (an arm with
 * no contact, no spread, or counters that are no proportion: more successes than contacts).
 */
export function twoProportionZ(a: ArmResult, b: ArmResult): number {
  if (a.entered === 0 || b.entered === 0) return 0;
  const p1 = a.successes / a.entered;
  const p2 = b.successes / b.entered;
  const pooled = (a.successes + b.successes) / (a.entered + b.entered);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.entered + 1 / b.entered));
  return se > 0 ? (p1 - p2) / se : 0;
}

/** The two-sided p-value of a standard normal z. */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-x * x + poly);
  return x >= 0 ? r : 2 - r;
}

const rateOf = (a: ArmResult) => (a.entered === 0 ? 0 : a.successes / a.entered);

/**
 * The stated test over `arms`. `label` names an arm in the verdict's text (an arm id, "variant 1").
 */
export function statedTest(
  arms: readonly ArmResult[],
  options: { metric?: AbMetric; minPerArm?: number; label?: (arm: string) => string } = {},
): StatedTest {
  const metric = options.metric ?? 'converted';
  const minPerArm = Math.max(MIN_PER_ARM, options.minPerArm ?? MIN_PER_ARM);
  const label = options.label ?? ((arm: string) => arm);
  const words = METRIC_WORDS[metric];
  const alpha = arms.length > 1 ? ALPHA / (arms.length - 1) : ALPHA;
  const withRates = arms.map((a) => ({ ...a, rate: rateOf(a) }));
  const base = { test: 'two-proportion z-test, two-sided', metric, confidence: 0.95, minPerArm, alpha } as const;
  const smallest = Math.min(...arms.map((a) => a.entered));
  if (arms.length < 2 || smallest < minPerArm) {
    const text =
      arms.length < 2
        ? 'Not enough data: a test needs two arms'
        : `Not enough data: ${minPerArm} per arm needed (smallest arm has ${smallest})`;
    return {
      ...base,
      enoughData: false,
      arms: withRates,
      comparisons: [],
      verdict: { status: 'too-few', needPerArm: minPerArm, text },
    };
  }
  const best = [...withRates].sort((x, y) => y.rate - x.rate)[0] as (typeof withRates)[number];
  const comparisons = withRates
    .filter((a) => a.arm !== best.arm)
    .map((a): AbComparison => {
      const z = twoProportionZ(best, a);
      const p = twoSidedP(z);
      return { arm: a.arm, against: best.arm, z, p, significant: z > 0 && p < alpha };
    });
  // The weakest of the best arm's wins decides: it must beat every other arm.
  const weakest = [...comparisons].sort((x, y) => x.z - y.z)[0] as AbComparison;
  if (!comparisons.every((c) => c.significant)) {
    return {
      ...base,
      enoughData: true,
      arms: withRates,
      comparisons,
      verdict: { status: 'no-difference', z: weakest.z, text: `No significant difference on ${words} at 95%` },
    };
  }
  // The runner-up is the arm with the next highest rate (not the weakest comparison's arm, which
  // with unequal arm sizes can be a small, worse one).
  const runnerUp = withRates
    .filter((a) => a.arm !== best.arm)
    .reduce((top, a) => (a.rate > top.rate ? a : top)) as (typeof withRates)[number];
  return {
    ...base,
    enoughData: true,
    arms: withRates,
    comparisons,
    verdict: {
      status: 'winner',
      winner: best.arm,
      z: weakest.z,
      ...(runnerUp.rate > 0 ? { lift: best.rate / runnerUp.rate - 1 } : {}),
      text: `${capitalised(label(best.arm))} wins on ${words} at 95%`,
    },
  };
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The verdict alone (at the default 100 per arm), as the stats of earlier versions showed it. */
export function judgeArms(arms: readonly ArmResult[]): AbVerdict {
  const { text: _text, ...verdict } = statedTest(arms).verdict;
  return verdict;
}
