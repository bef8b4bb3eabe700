/** The `InteractionScorer` the contacts function wires: DynamoDB storage, a domain event publisher. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEventPublisher, InteractionScorer } from '../ports';
import { dynamoScoreStore } from './dynamo-score-store';
import { scoreInteraction } from './score-interaction';

/**
 * Scores each recorded interaction: rules cached per instance for 60 s, ledger + score
 * state + the contact's score/tier/gsi2 in one transaction conditioned on the state's
 * version (retried on conflict), idempotent per interaction id; a tier change publishes
 * `contact.score_threshold_crossed` after the write.
 */
export function dynamoInteractionScorer(
  db: DynamoDBDocumentClient,
  table: string,
  events: DomainEventPublisher,
  now: () => Date = () => new Date(),
): InteractionScorer {
  const store = dynamoScoreStore(db, table);
  return { applyInteraction: (contact, interaction) => scoreInteraction(contact, interaction, { store, events, now }) };
}
