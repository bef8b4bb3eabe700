/**
 * What a tracked open or click of a campaign email adds to its campaign's counters, as a list of
 * "count once" writes: each names the marker that makes it happen at most once (the send and the
 * kind, or a split arm's contact and run and the kind) and the counters it adds.
 *
 * - The send's own kind: `opened` or `clicked`, per node (`node:<id>:<kind>`), and per subject
 *   variant (`armopen:<node>:<line id>` / `armclick:`) when the email went out with one: once per
 *   send. A link sealed before lines had ids counts under the variant's index, as its send was.
 * - A click also counts as an open (once per send, shared with the pixel's marker): a reader with
 *   images off clicks without loading the pixel, and journey conditions take a click for an open.
 * - Each split arm the enrolment took before the email: `armopen:<split>:<arm>` /
 *   `armclick:<split>:<arm>` once per contact and run, so an arm's rate is the share of its
 *   contacts who opened (clicked) any of its emails, comparable with `arm:` (contacts entered).
 *
 * A bot's event (flagged `suspectedBot`) and an event without a campaign count nothing.
 */
import { AB_METRIC_COUNTER } from './ab-test';

export interface TrackedCount {
  /** Marker id: unique per thing counted (with `kind`). */
  readonly markerId: string;
  readonly kind: 'opened' | 'clicked';
  readonly counters: Readonly<Record<string, number>>;
}

interface Attribution {
  readonly run: number;
  readonly variant?: number;
  /** The variant's line id; links sealed before lines had ids carry the index only. */
  readonly line?: string;
  readonly arms?: Readonly<Record<string, string>>;
}

/** The A/B attribution from an interaction's metadata (sealed by us; still checked for shape). */
function attributionOf(value: unknown): Attribution | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { run, variant, line, arms } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(run)) return undefined;
  const goodArms =
    typeof arms === 'object' && arms !== null
      ? Object.fromEntries(Object.entries(arms).filter(([, arm]) => typeof arm === 'string'))
      : undefined;
  return {
    run: run as number,
    ...(Number.isSafeInteger(variant) ? { variant: variant as number } : {}),
    ...(typeof line === 'string' && /^[0-9a-z]{1,64}$/.test(line) ? { line } : {}),
    ...(goodArms ? { arms: goodArms as Record<string, string> } : {}),
  };
}

export function trackedCampaignCounts(
  type: 'email_opened' | 'email_clicked',
  metadata: Readonly<Record<string, unknown>>,
  contactId: string,
): TrackedCount[] {
  const { campaignId, nodeId, sendId, suspectedBot } = metadata;
  if (typeof campaignId !== 'string' || typeof sendId !== 'string' || suspectedBot !== undefined) return [];
  const node = typeof nodeId === 'string' ? nodeId : undefined;
  const ab = attributionOf(metadata.ab);
  // The line id, as the send was counted (`variant:<node>:<line>`); an older link: its index.
  const variant = ab?.line ?? ab?.variant;
  const kinds: Array<'opened' | 'clicked'> = type === 'email_clicked' ? ['clicked', 'opened'] : ['opened'];
  const counts: TrackedCount[] = [];
  for (const kind of kinds) {
    const prefix = AB_METRIC_COUNTER[kind];
    counts.push({
      markerId: sendId,
      kind,
      counters: {
        [kind]: 1,
        ...(node ? { [`node:${node}:${kind}`]: 1 } : {}),
        ...(node && variant !== undefined ? { [`${prefix}:${node}:${variant}`]: 1 } : {}),
      },
    });
    for (const [split, arm] of Object.entries(ab?.arms ?? {})) {
      counts.push({
        markerId: `arm~${split}~${contactId}~${ab?.run}`,
        kind,
        counters: { [`${prefix}:${split}:${arm}`]: 1 },
      });
    }
  }
  return counts;
}
