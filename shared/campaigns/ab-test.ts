/**
 * Is one arm of a split really better? A two-proportion z-test at 95% (two-sided), judged only
 * once each arm has at least 100 contacts: below that, "no verdict yet" rather than a guess.
 */

export interface ArmResult {
  readonly arm: string;
  /** Contacts that entered the arm. */
  readonly entered: number;
  /** Contacts that did the measured thing (converted, clicked, ...). */
  readonly successes: number;
}

export const MIN_PER_ARM = 100;
/** |z| at or beyond this is significant at 95%, two-sided. */
export const Z_95 = 1.959964;

export type AbVerdict =
  | { readonly status: 'too-few'; readonly needPerArm: number }
  | { readonly status: 'no-difference'; readonly z: number }
  | { readonly status: 'winner'; readonly winner: string; readonly z: number; readonly lift: number };

/** The z statistic of two proportions (pooled standard error); 0 when it is undefined. */
export function twoProportionZ(a: ArmResult, b: ArmResult): number {
  const p1 = a.successes / a.entered;
  const p2 = b.successes / b.entered;
  const pooled = (a.successes + b.successes) / (a.entered + b.entered);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.entered + 1 / b.entered));
  return se === 0 ? 0 : (p1 - p2) / se;
}

/**
 * The verdict over every arm: the best arm against the runner-up. Comparing only the top two
 * keeps it one test (no multiple-comparison inflation for two arms; for more it is conservative
 * about declaring the best, never about the others).
 */
export function judgeArms(arms: readonly ArmResult[]): AbVerdict {
  if (arms.length < 2 || arms.some((a) => a.entered < MIN_PER_ARM)) {
    return { status: 'too-few', needPerArm: MIN_PER_ARM };
  }
  const ranked = [...arms].sort((x, y) => y.successes / y.entered - x.successes / x.entered);
  const [best, second] = ranked as [ArmResult, ArmResult];
  const z = twoProportionZ(best, second);
  if (Math.abs(z) < Z_95) return { status: 'no-difference', z };
  const secondRate = second.successes / second.entered;
  const lift = secondRate === 0 ? Number.POSITIVE_INFINITY : best.successes / best.entered / secondRate - 1;
  return { status: 'winner', winner: best.arm, z, lift };
}
