/**
 * The settings the service itself reads, by key, each with the schema of the values its reader
 * can use and the rule in words. `PUT /api/settings/{key}` of one of them stores only a value
 * the schema accepts, as the schema parses it (400 `INVALID_SETTING_VALUE` naming the key and the
 * rule otherwise), and never as a secret (400 `SETTING_NOT_SECRET`): every reader reads plain
 * values only, so a sealed one would be skipped. A reader can thus never meet a workspace value
 * it cannot use; it still skips one (a global default written by an operator, a value stored
 * before its check) rather than fail.
 *
 * Every key a reader reads belongs here (test/unit/governance/r20b-fix-settings-known-values.test.ts
 * finds each exported `*_SETTING` constant and the value each reader makes of what is accepted).
 */
import * as z from 'zod/mini';
import { AI_COST_BUDGET_SETTING, AI_TOKEN_BUDGET_SETTING } from '../ai/budgets';
import { FORBIDDEN_CLAIMS_SETTING, forbiddenClaimsValue } from '../campaigns/forbidden-claims';
import { timeZone } from '../campaigns/send-window';
import { POSTAL_ADDRESS_SETTING } from '../email/sender-profile';
import { TOPIC_ID_PATTERN } from '../email/suppression-rules';
import { EMAIL_TOPICS_SETTING } from '../email/topics';

/**
 * The workspace's time zone (an IANA zone, e.g. `"Europe/Berlin"`, stored by its canonical name:
 * `"europe/berlin"` is stored as `"Europe/Berlin"`; a UTC offset is refused): the zone a campaign created
 * without one takes, stored on it then (campaign.ts `createCampaign`); a later change moves no
 * existing campaign.
 */
export const WORKSPACE_TIME_ZONE_SETTING = 'workspace.time_zone';

export interface KnownSetting {
  /** Parses a value the reader can use (normalising it, e.g. a zone's canonical name); refuses any other. */
  readonly schema: z.ZodMiniType;
  /** The rule, as the 400 states it: "The setting <key> must be <rule>". */
  readonly rule: string;
}

/** Most topics the preferences page shows (shared/email/topics.ts reads no more). */
const MAX_TOPICS = 50;
/** Longest postal address and topic label, in UTF-16 units (what their readers keep). */
const MAX_POSTAL_ADDRESS = 500;
const MAX_TOPIC_LABEL = 100;

const topicId = z.string().check(z.regex(TOPIC_ID_PATTERN));
const topic = z.union([
  topicId,
  z.strictObject({
    id: topicId,
    label: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_TOPIC_LABEL))),
  }),
]);
const topics = z.array(topic).check(
  z.maxLength(MAX_TOPICS),
  z.refine((list) => {
    const ids = list.map((t) => (typeof t === 'string' ? t : t.id));
    return new Set(ids).size === ids.length;
  }, 'topic ids must be unique'),
);

/** Keys of the settings the service reads; own keys only (look a key up with `own`). */
export const KNOWN_SETTINGS: Readonly<Record<string, KnownSetting>> = {
  [WORKSPACE_TIME_ZONE_SETTING]: {
    schema: timeZone,
    rule: 'an IANA time zone name such as "Europe/Berlin" (no UTC offset)',
  },
  [AI_TOKEN_BUDGET_SETTING]: {
    schema: z.int().check(z.gte(0)),
    rule: 'a whole number of tokens >= 0 (0 turns AI off), e.g. 500000',
  },
  [AI_COST_BUDGET_SETTING]: {
    schema: z.number().check(z.gte(0)),
    rule: 'a number of USD >= 0 (0 turns AI off), e.g. 12.5',
  },
  [POSTAL_ADDRESS_SETTING]: {
    schema: z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_POSTAL_ADDRESS)),
    rule: `a non-blank string of at most ${MAX_POSTAL_ADDRESS} characters, e.g. "1 Main St, Springfield"`,
  },
  [EMAIL_TOPICS_SETTING]: {
    schema: topics,
    rule:
      `a list of at most ${MAX_TOPICS} topics with distinct ids, each an id (${TOPIC_ID_PATTERN.source}) or ` +
      `{"id", "label"?} with a label of 1-${MAX_TOPIC_LABEL} characters`,
  },
  [FORBIDDEN_CLAIMS_SETTING]: {
    schema: forbiddenClaimsValue,
    rule: 'a list of at most 200 phrases, each of 1-200 characters',
  },
};
