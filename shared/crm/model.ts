/** Contacts and their interactions, as plain values. */
import type { AiSignals } from './scoring/composite';

export const CONTACT_STATUSES = ['lead', 'prospect', 'customer', 'churned', 'unsubscribed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const INTERACTION_TYPES = [
  'email_sent',
  'email_delivered',
  'email_opened',
  'email_clicked',
  'email_replied',
  'email_bounced',
  'email_complained',
  'unsubscribed',
  'page_visit',
  'form_submit',
  'note',
  'call',
  'meeting',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export interface Contact {
  readonly contactId: string;
  readonly workspaceId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Lower-cased; unique per workspace. */
  readonly email: string;
  /** E.164 when it could be normalised. */
  readonly phone?: string;
  readonly company?: string;
  readonly jobTitle?: string;
  readonly status: ContactStatus;
  readonly tags: readonly string[];
  readonly customFields: Readonly<Record<string, string | number | boolean>>;
  readonly ownerUserId?: string;
  /** Composite score 0..100 and its tier, kept on the contact for filtering and listing. */
  readonly score: number;
  readonly tier: 'hot' | 'warm' | 'lukewarm' | 'cold';
  /**
   * The composite's AI inputs from the latest contact-intelligence run (written only by the score
   * commit, with its ledger entry): while set, the score is the AI composite.
   */
  readonly aiSignals?: AiSignals;
  readonly lastInteractionAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt?: string;
}

export interface Interaction {
  readonly interactionId: string;
  readonly workspaceId: string;
  readonly contactId: string;
  readonly type: InteractionType;
  readonly occurredAt: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Who recorded it (user id), or the subsystem (campaigns, gmail, tracking). */
  readonly source: string;
}
