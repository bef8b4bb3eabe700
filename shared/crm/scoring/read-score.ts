/** Reading scores: one contact's current (decayed) score with its ledger, and the hot leads. */
import { NotFoundError } from '../../errors';
import { aiSignalsOf } from './composite';
import { readCurrentRules } from './current-rules';
import { evaluateFit } from './fit';
import type { HotLead, ScoreReader, ScoreStore } from './ports';
import { compositeOf, emptyScoreState, FIT, groupsAt, type LedgerEntry } from './score-state';

export interface ContactScore {
  readonly contactId: string;
  readonly score: number;
  readonly tier: string;
  /** `ai` when the v1 AI composite applies (AI signals present), else `rules`. */
  readonly model: 'rules' | 'ai';
  readonly groups: Readonly<Record<string, number>>;
  readonly asOf: string;
  readonly rulesVersion: number;
  readonly ledger: readonly LedgerEntry[];
  readonly nextCursor?: string;
}

/**
 * The score as of now: engagement decayed on read, composite and tier under the current
 * rules; the ledger newest first. Another workspace's (or a deleted) contact is a 404.
 */
export async function getContactScore(
  workspaceId: string,
  contactId: string,
  page: { limit: number; cursor?: string },
  deps: { reader: ScoreReader; store: ScoreStore; now: () => Date },
): Promise<ContactScore> {
  const contact = await deps.reader.contact(workspaceId, contactId);
  if (!contact || contact.deletedAt) throw new NotFoundError('Contact not found', 'CONTACT_NOT_FOUND');
  const now = deps.now();
  let current = await readCurrentRules(deps.store, workspaceId);
  const stored = await deps.store.readState(workspaceId, contactId);
  // Recomputed under newer rules than this instance cached: read with those.
  if (stored && stored.rulesVersion > current.version) {
    current = await readCurrentRules(deps.store, workspaceId, stored.rulesVersion);
  }
  const { rules } = current;
  const state = stored ?? emptyScoreState(now, rules);
  // Never scored yet: the fit its profile would get, so a new contact's answer is not all zeros.
  const groups = stored
    ? groupsAt(state, rules, now)
    : { ...groupsAt(state, rules, now), [FIT]: evaluateFit(contact, rules.profileRules).fit };
  const { score, tier, model } = compositeOf(groups, rules, aiSignalsOf(contact));
  const ledger = await deps.reader.ledger(workspaceId, contactId, page.limit, page.cursor);
  return {
    contactId,
    score,
    tier,
    model,
    groups,
    asOf: now.toISOString(),
    rulesVersion: state.rulesVersion,
    ledger: ledger.items,
    ...(ledger.cursor ? { nextCursor: ledger.cursor } : {}),
  };
}

/**
 * Live contacts in the hot tier, best first, by the score stored at their last update
 * (decay is folded in on the next interaction or recompute, not by a scan).
 */
export async function listHotLeads(
  workspaceId: string,
  page: { limit: number; cursor?: string },
  reader: ScoreReader,
): Promise<{ contacts: readonly HotLead[]; nextCursor?: string }> {
  const out = await reader.hotLeads(workspaceId, page.limit, page.cursor);
  return { contacts: out.items, ...(out.cursor ? { nextCursor: out.cursor } : {}) };
}
