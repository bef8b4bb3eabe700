/**
 * `POST /api/contacts/{id}/interactions` with a client's idempotency key: the
 * `Idempotency-Key` header, or else the `interactionId` of the body. A retry of the same
 * request is a no-op that answers the first attempt's result; the same key with another
 * request is refused (422). Without a key the interaction is simply recorded.
 */
import * as z from 'zod/mini';
import { fingerprintOf, idempotencyKeyOf, type RunOnceDeps, runOnce } from '../../idempotency/run-once';
import type { AuditInWrite } from '../../identity/ports';
import { RECORD_ID_PATTERN } from '../../identity/tokens';
import type { Interaction } from '../model';
import type { ScoreUpdate } from '../ports';
import {
  type InteractionInput,
  interactionInputSchema,
  type RecordInteractionDeps,
  recordInteraction,
} from './record-interaction';

/** The operation idempotency keys belong to: a key used here means nothing to another route. */
export const RECORD_INTERACTION_OPERATION = 'interactions.create';

/** The route's body: an interaction, optionally with the client's own id (letters, digits, - and _, ≤ 64). */
export const interactionRequestSchema = z.catchall(
  z.extend(interactionInputSchema, {
    interactionId: z.optional(z.string().check(z.regex(RECORD_ID_PATTERN, 'Expected 1-64 letters, digits, - or _'))),
  }),
  z.never(),
);

export type RecordInteractionOnceDeps = RecordInteractionDeps & RunOnceDeps;

export interface RecordedInteraction {
  readonly interaction: Interaction;
  readonly score: ScoreUpdate;
  /** True when this is the stored answer of an earlier attempt with the same key. */
  readonly replayed: boolean;
}

/**
 * Records the interaction once per key. The key is per workspace; the request it names is
 * the contact, the body and the caller (`input.source`). The first attempt fixes the
 * interaction's id and time, so a re-run after a failure stores and scores the same
 * interaction (both idempotent per id), never a second one.
 * @throws ValidationError `INVALID_IDEMPOTENCY_KEY` (400), IdempotencyKeyReusedError (422),
 * IdempotencyInProgressError (409), and whatever {@link recordInteraction} throws.
 */
export async function recordInteractionOnce(
  deps: RecordInteractionOnceDeps,
  workspaceId: string,
  contactId: string,
  input: InteractionInput,
  idempotencyKeyHeader: string | undefined,
  audit?: AuditInWrite<Interaction>,
): Promise<RecordedInteraction> {
  // The client's own id may come again under another key or time: stored once per id (claimed).
  const recorded: InteractionInput = input.interactionId !== undefined ? { ...input, claimId: true } : input;
  const key = idempotencyKeyOf(idempotencyKeyHeader) ?? input.interactionId;
  if (key === undefined) {
    return { ...(await recordInteraction(deps, workspaceId, contactId, recorded, audit)), replayed: false };
  }

  const { type, occurredAt, metadata, interactionId, source } = input;
  const plan = {
    interactionId: interactionId ?? deps.newId(),
    occurredAt: occurredAt ?? deps.now().toISOString(),
  };
  const { result, replayed } = await runOnce(
    deps,
    { workspaceId, operation: RECORD_INTERACTION_OPERATION, key },
    { fingerprint: fingerprintOf({ contactId, source, type, occurredAt, metadata, interactionId }), plan },
    (fixed) => recordInteraction(deps, workspaceId, contactId, { ...recorded, ...fixed }, audit),
  );
  return { ...result, replayed };
}
