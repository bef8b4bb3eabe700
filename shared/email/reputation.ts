/**
 * Sender reputation of a workspace (or a campaign): rolling bounce and complaint rates over
 * recent sends, and what they mean. Gmail and Yahoo want complaints under 0.10% and never at
 * 0.30%; SES reviews an account at 5% bounces and pauses it at 10%. We warn below those lines
 * and pause marketing sends at them, before the provider does it to every workspace at once.
 * A person resumes sending; rates are judged only past a minimum volume, so the first
 * complaint of the day does not pause a workspace that sent ten emails.
 */

export interface ReputationCounts {
  /** Messages a provider accepted in the window. */
  readonly sent: number;
  readonly bounces: number;
  readonly complaints: number;
}

export interface ReputationThresholds {
  readonly warnComplaintRate: number;
  readonly pauseComplaintRate: number;
  readonly warnBounceRate: number;
  readonly pauseBounceRate: number;
  /** Below this many sends in the window, rates are reported but never pause. */
  readonly minimumVolume: number;
}

export const DEFAULT_REPUTATION_THRESHOLDS: ReputationThresholds = {
  warnComplaintRate: 0.0008,
  pauseComplaintRate: 0.001,
  warnBounceRate: 0.05,
  pauseBounceRate: 0.1,
  minimumVolume: 200,
};

export type ReputationStatus = 'ok' | 'warn' | 'pause';

export interface ReputationVerdict {
  readonly status: ReputationStatus;
  readonly complaintRate: number;
  readonly bounceRate: number;
  /** Why, in words a workspace owner can act on; absent when `ok`. */
  readonly reason?: string;
}

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

/** Judges `counts` against `thresholds`. */
export function judgeReputation(
  counts: ReputationCounts,
  thresholds: ReputationThresholds = DEFAULT_REPUTATION_THRESHOLDS,
): ReputationVerdict {
  const complaintRate = counts.sent > 0 ? counts.complaints / counts.sent : 0;
  const bounceRate = counts.sent > 0 ? counts.bounces / counts.sent : 0;
  const rates = { complaintRate, bounceRate };
  if (counts.sent < thresholds.minimumVolume) return { status: 'ok', ...rates };
  const complaintText = `complaint rate ${percent(complaintRate)} of ${counts.sent} sends`;
  const bounceText = `bounce rate ${percent(bounceRate)} of ${counts.sent} sends`;
  if (complaintRate >= thresholds.pauseComplaintRate) {
    return {
      status: 'pause',
      ...rates,
      reason: `Marketing sends paused: ${complaintText} reached ${percent(thresholds.pauseComplaintRate)}`,
    };
  }
  if (bounceRate >= thresholds.pauseBounceRate) {
    return {
      status: 'pause',
      ...rates,
      reason: `Marketing sends paused: ${bounceText} reached ${percent(thresholds.pauseBounceRate)}`,
    };
  }
  if (complaintRate >= thresholds.warnComplaintRate) {
    return { status: 'warn', ...rates, reason: `Warning: ${complaintText}` };
  }
  if (bounceRate >= thresholds.warnBounceRate) return { status: 'warn', ...rates, reason: `Warning: ${bounceText}` };
  return { status: 'ok', ...rates };
}
