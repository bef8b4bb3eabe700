/** What the scoring use cases need from storage and the queue; adapters in this folder. */
import type { AuditRecord } from '../../identity/ports';
import type { Contact, Interaction } from '../model';
import type { AiSignals } from './composite';
import type { ScoringRules, VersionedRules } from './rules';
import type { LedgerEntry, ScorableInteraction, ScoreCrossing, ScoreState } from './score-state';

/** A stored contact as scoring reads it (its `aiSignals` validated by `aiSignalsOf` before use). */
export type ScoredContact = Contact;

export interface ScoreWrite {
  readonly workspaceId: string;
  readonly contactId: string;
  /** The version read; the write fails with {@link ScoreConflictError} if it moved. */
  readonly expectedVersion: number;
  /**
   * When set, the state is written only if the stored one's `rulesVersion` is at most this (else
   * {@link ScoreConflictError}): a recompute never writes a state back to older rules.
   */
  readonly maxRulesVersion?: number;
  /** The new state; absent when the score does not change (only `interaction` and `lastInteractionAt` are written). */
  readonly state?: ScoreState;
  readonly entries: readonly LedgerEntry[];
  /**
   * Stored in the same write: the interaction scored. The first write of its key wins: one
   * already there fails the write with {@link InteractionStoredError}.
   */
  readonly interaction?: Interaction;
  /**
   * Set on the contact in the same write, on condition that the stored time is earlier (a
   * later interaction recorded meanwhile fails the write with {@link ScoreConflictError}).
   */
  readonly lastInteractionAt?: string;
  /**
   * When set, the write fails with {@link ScoreConflictError} unless the contact's interaction
   * counter ({@link ScoreRead.interactionSeq}) is still this, as the history a recompute replayed
   * had it: an interaction recorded after that read without changing the state (no rule of the
   * rules its writer had scored it), backdated or not, is not left out of the replay.
   */
  readonly expectedInteractionSeq?: number;
  /**
   * When set, the write also claims the interaction (or adjustment, AI call, or a recompute's rules
   * version, `recompute#v<n>`); a second claim fails with {@link AlreadyScoredError}.
   */
  readonly interactionId?: string;
  /**
   * The tier crossing this change makes, kept on the claim of `interactionId`: a redelivery that
   * finds the claim taken publishes it again (the event published after the commit may have failed).
   */
  readonly crossing?: ScoreCrossing;
  /**
   * The contact was read soft-deleted: it gets its score but stays off gsi2 (hot leads, tier
   * lists). The write holds only while it is still deleted (and a score change without it, while
   * it is still live): a restore or delete since the read fails it with {@link ScoreConflictError}.
   */
  readonly contactDeleted?: boolean;
  /** Stored on the contact in the same write: the AI inputs of the composite (contact intelligence). */
  readonly aiSignals?: AiSignals;
  /**
   * The request's audit entry, in the same transaction; `markWritten` is called once it is
   * committed. A store without an audit table leaves it to the edge.
   */
  readonly audit?: { readonly record: AuditRecord; readonly markWritten: () => void };
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

export interface HotLead {
  readonly contactId: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly company?: string;
  readonly score: number;
}

export interface RecomputeJob {
  readonly jobId: string;
  readonly version: number;
  readonly status: 'running' | 'completed' | 'superseded';
  readonly pages: number;
  readonly contacts: number;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface ScoreStore {
  /** The workspace's rules (the defaults at version 0); `fresh` skips any cache. */
  readRules(workspaceId: string, options?: { fresh?: boolean }): Promise<VersionedRules>;
  readState(workspaceId: string, contactId: string): Promise<ScoreState | undefined>;
  /**
   * What a score change reads, in one call: the state, whether `scoredId` was claimed, and (with
   * `contact: true`) the contact, `null` when there is no such item. Strongly consistent. A claim
   * found keeping ledger entries its commit wrote after its transaction has them written again first.
   */
  readForChange(
    workspaceId: string,
    contactId: string,
    scoredId: string,
    options?: { readonly contact?: boolean },
  ): Promise<ScoreRead>;
  /**
   * Ledger entries, the score state and the contact's score/tier in one atomic write. Entries past
   * what one transaction holds (100 items: a recompute changing very many groups) are kept on the
   * claim of `interactionId` (required then, else a RangeError before anything is written) and
   * written right after it; a failure there fails the call, and a {@link readForChange} finding
   * that claim writes them again, so a retry (a redelivered page) completes the ledger.
   * @throws ScoreConflictError also when the contact is gone, or was deleted or restored since it
   *   was read (the next read tells which); AlreadyScoredError; InteractionStoredError.
   */
  commit(write: ScoreWrite): Promise<void>;
}

export interface ScoreReader {
  contact(workspaceId: string, contactId: string): Promise<ScoredContact | undefined>;
  /** Newest first. */
  ledger(workspaceId: string, contactId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>;
  /** Live contacts of the hot tier, best score first. */
  hotLeads(workspaceId: string, limit: number, cursor?: string): Promise<Page<HotLead>>;
}

export interface RulesStore {
  /**
   * Saves the rules as the next version (conditional on `expectedVersion` when given,
   * else on the version read) and records the recompute job.
   * @throws ConflictError when the version moved.
   */
  saveRules(
    workspaceId: string,
    rules: ScoringRules,
    meta: { expectedVersion?: number; updatedBy: string; jobId: string; now: Date },
  ): Promise<number>;
  readJob(workspaceId: string, jobId: string): Promise<RecomputeJob | undefined>;
}

export interface RecomputeMessage {
  readonly workspaceId: string;
  readonly jobId: string;
  readonly version: number;
  readonly page: number;
  readonly cursor?: string;
}

export interface RecomputeQueue {
  send(message: RecomputeMessage): Promise<void>;
}

export interface RecomputeStore {
  /** One page of a workspace's contacts (deleted ones included), in key order. */
  contacts(workspaceId: string, limit: number, cursor?: string): Promise<Page<ScoredContact>>;
  /** Up to `max` interactions of a contact; `complete` false when there were more. */
  interactions(
    workspaceId: string,
    contactId: string,
    max: number,
  ): Promise<{ items: Array<ScorableInteraction>; complete: boolean }>;
  pageDone(workspaceId: string, jobId: string, page: number): Promise<boolean>;
  /** Marks a page done (once) and adds to the job's progress; `last` completes the job. */
  finishPage(
    workspaceId: string,
    jobId: string,
    page: number,
    contacts: number,
    last: boolean,
    now: Date,
  ): Promise<void>;
  markSuperseded(workspaceId: string, jobId: string, now: Date): Promise<void>;
}

export class ScoreConflictError extends Error {
  override name = 'ScoreConflictError';
  constructor(options?: ErrorOptions) {
    super('The score changed while it was being updated', options);
  }
}

/** What {@link ScoreStore.readForChange} found. */
export interface ScoreRead {
  readonly state?: ScoreState;
  readonly scored: boolean;
  /** The tier crossing the claimed change made, when it made one (claims written before it was kept have none). */
  readonly crossing?: ScoreCrossing;
  readonly contact?: ScoredContact | null;
  /**
   * Read with the contact: how many interactions were ever stored on it (every write of an
   * interaction adds one, in its transaction); 0 for a contact stored before the counter was kept.
   */
  readonly interactionSeq?: number;
}

/** The interaction of a {@link ScoreWrite} was stored already (by an earlier attempt). */
export class InteractionStoredError extends Error {
  override name = 'InteractionStoredError';
  constructor(options?: ErrorOptions) {
    super('This interaction was stored already', options);
  }
}

export class AlreadyScoredError extends Error {
  override name = 'AlreadyScoredError';
  constructor(options?: ErrorOptions) {
    super('This interaction was scored already', options);
  }
}
