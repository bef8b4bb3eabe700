/** In-memory scoring ports for the unit tests: the same contract as the DynamoDB adapter. */
import type { Interaction } from '../../../../shared/crm/model';
import type { DomainEvent, DomainEventPublisher } from '../../../../shared/crm/ports';
import {
  AlreadyScoredError,
  InteractionStoredError,
  type RecomputeMessage,
  type RecomputeStore,
  ScoreConflictError,
  type ScoredContact,
  type ScoreStore,
  type ScoreWrite,
} from '../../../../shared/crm/scoring/ports';
import { DEFAULT_SCORING_RULES, type VersionedRules } from '../../../../shared/crm/scoring/rules';
import type { LedgerEntry, ScoreCrossing, ScoreState } from '../../../../shared/crm/scoring/score-state';

export class MemoryScoreStore implements ScoreStore {
  rules: VersionedRules = { version: 0, rules: DEFAULT_SCORING_RULES };
  readonly states = new Map<string, ScoreState>();
  readonly claimed = new Set<string>();
  /** The crossing each claim keeps (as the claim item does in DynamoDB). */
  readonly claimCrossings = new Map<string, ScoreCrossing>();
  readonly ledger: LedgerEntry[] = [];
  readonly contacts = new Map<string, { score: number; tier: string }>();
  commits = 0;
  /** Runs before a commit applies; may change state to simulate a concurrent writer. */
  beforeCommit?: (w: ScoreWrite) => void;

  async readRules() {
    return this.rules;
  }
  async readState(_ws: string, contactId: string) {
    return this.states.get(contactId);
  }
  /** Contacts `readForChange` finds when asked for one (the AI path reads its contact so). */
  readonly contactRecords = new Map<string, ScoredContact>();
  readonly interactions: Interaction[] = [];
  async readForChange(_ws: string, contactId: string, scoredId: string, options?: { contact?: boolean }) {
    const state = this.states.get(contactId);
    const crossing = this.claimCrossings.get(`${contactId}/${scoredId}`);
    return {
      ...(state ? { state } : {}),
      scored: this.claimed.has(`${contactId}/${scoredId}`),
      ...(crossing ? { crossing } : {}),
      ...(options?.contact ? { contact: this.contactRecords.get(contactId) ?? null } : {}),
    };
  }
  async commit(w: ScoreWrite) {
    this.beforeCommit?.(w);
    const claim = w.interactionId ? `${w.contactId}/${w.interactionId}` : undefined;
    const stored = w.interaction && this.interactions.some((i) => i.interactionId === w.interaction?.interactionId);
    if (stored) throw new InteractionStoredError();
    if (claim && this.claimed.has(claim)) throw new AlreadyScoredError();
    const current = this.states.get(w.contactId);
    if (w.state && (current?.version ?? 0) !== w.expectedVersion) throw new ScoreConflictError();
    if (w.state && w.maxRulesVersion !== undefined && (current?.rulesVersion ?? 0) > w.maxRulesVersion) {
      throw new ScoreConflictError();
    }
    if (w.interaction) this.interactions.push(w.interaction);
    if (claim) this.claimed.add(claim);
    if (claim && w.crossing) this.claimCrossings.set(claim, w.crossing);
    if (w.state) {
      this.states.set(w.contactId, w.state);
      this.ledger.push(...w.entries);
      this.contacts.set(w.contactId, { score: w.state.score, tier: w.state.tier });
      const record = this.contactRecords.get(w.contactId);
      if (record) {
        this.contactRecords.set(w.contactId, {
          ...record,
          score: w.state.score,
          tier: w.state.tier,
          ...(w.aiSignals ? { aiSignals: w.aiSignals } : {}),
        });
      }
    }
    this.commits += 1;
  }
}

export class MemoryEvents implements DomainEventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(events: readonly DomainEvent[]) {
    this.published.push(...events);
  }
}

export class MemoryRecompute implements RecomputeStore {
  readonly done = new Set<string>();
  readonly jobs = new Map<string, { pages: number; contacts: number; status: string }>();
  constructor(
    readonly all: ScoredContact[],
    readonly history: Map<string, Array<{ interactionId: string; type: never; occurredAt: string }>> = new Map(),
  ) {}
  async contacts(_ws: string, limit: number, cursor?: string) {
    const start = cursor ? Number(cursor) : 0;
    const items = this.all.slice(start, start + limit);
    return start + limit < this.all.length ? { items, cursor: String(start + limit) } : { items };
  }
  async interactions(_ws: string, contactId: string) {
    return { items: this.history.get(contactId) ?? [], complete: true };
  }
  async pageDone(_ws: string, jobId: string, page: number) {
    return this.done.has(`${jobId}/${page}`);
  }
  async finishPage(_ws: string, jobId: string, page: number, contacts: number, last: boolean) {
    if (this.done.has(`${jobId}/${page}`)) return;
    this.done.add(`${jobId}/${page}`);
    const job = this.jobs.get(jobId) ?? { pages: 0, contacts: 0, status: 'running' };
    this.jobs.set(jobId, {
      pages: job.pages + 1,
      contacts: job.contacts + contacts,
      status: last ? 'completed' : job.status,
    });
  }
  async markSuperseded(_ws: string, jobId: string) {
    const job = this.jobs.get(jobId) ?? { pages: 0, contacts: 0, status: 'running' };
    this.jobs.set(jobId, { ...job, status: 'superseded' });
  }
}

export class MemoryQueue {
  readonly sent: RecomputeMessage[] = [];
  async send(m: RecomputeMessage) {
    this.sent.push(m);
  }
}
