/** How the contacts use cases reach scoring, and how domain events leave the service. */
import type { AuditInWrite } from '../identity/ports';
import type { Contact, Interaction } from './model';

export interface ScoreUpdate {
  readonly score: number;
  readonly tier: Contact['tier'];
  readonly previousScore: number;
  readonly previousTier: Contact['tier'];
}

export interface InteractionScorer {
  /**
   * Scores one recorded interaction: applies the workspace's rules, writes the ledger
   * entries, updates the contact's score and tier, and emits a domain event when a tier
   * threshold is crossed. Idempotent per interaction id.
   */
  applyInteraction(contact: Contact, interaction: Interaction): Promise<ScoreUpdate>;
  /**
   * Stores the interaction of a live contact and scores it: the contact, the score state and the
   * claim in one read, the interaction, the contact's last-interaction time, the score and its
   * ledger in one atomic write. Idempotent per interaction id: a scored interaction is claimed by its
   * id; one no rule scores is stored once per id and time, and once per id with `claimId` (below).
   * `audit`: the request's audit entry, written in the same write when the store can.
   * `claimId`: the id may come again with another time (a client's own id): an interaction no rule
   * scores is claimed by its id too (one more item in the write), so it is stored once per id.
   * Callers whose id fixes the time (a provider event's id and stamp) leave it off.
   * @throws ContactNotFoundError when the contact is missing or deleted.
   */
  recordAndScore(
    interaction: Interaction,
    audit?: AuditInWrite<Interaction>,
    options?: { readonly claimId?: boolean },
  ): Promise<ScoreUpdate>;
}

export interface DomainEvent {
  /** e.g. `contact.score_threshold_crossed` */
  readonly type: string;
  readonly workspaceId: string;
  readonly occurredAt: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface DomainEventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
