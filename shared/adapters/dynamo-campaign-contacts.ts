/**
 * The step runner's view of a contact: its fields, tags and score from the contact record,
 * and its recent timeline from the interaction partition (one bounded query, newest first).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignContacts, ContactSnapshot, TimelineEntry } from '../campaigns/ports';
import type { ContactStore } from '../crm/contacts/ports';
import type { Contact, InteractionType } from '../crm/model';
import { isTimeZone } from '../zoned-time';
import { INTERACTION_PREFIX, interactionPk } from './keys';

/** Most timeline entries one step reads: conditions look at recent activity, not all history. */
export const TIMELINE_LIMIT = 500;

/**
 * The custom field a contact's IANA time zone is kept in (`timeZone`, e.g. "Europe/Berlin").
 * Custom fields are free text: a value that is not a known zone is ignored (the campaign's zone
 * applies), so one bad field cannot fail the contact's steps.
 */
export const TIME_ZONE_FIELD = 'timeZone';

export function snapshotOf(contact: Contact): ContactSnapshot {
  const zone = contact.customFields[TIME_ZONE_FIELD];
  return {
    contactId: contact.contactId,
    email: contact.email,
    deleted: Boolean(contact.deletedAt),
    ...(typeof zone === 'string' && isTimeZone(zone) ? { timeZone: zone } : {}),
    fields: {
      ...contact.customFields,
      email: contact.email,
      firstName: contact.firstName,
      lastName: contact.lastName,
      company: contact.company,
      jobTitle: contact.jobTitle,
      phone: contact.phone,
      status: contact.status,
    },
    tags: contact.tags,
    score: contact.score,
    tier: contact.tier,
    lastInteractionAt: contact.lastInteractionAt ?? null,
  };
}

export function dynamoCampaignContacts(
  db: DynamoDBDocumentClient,
  table: string,
  contacts: ContactStore,
): CampaignContacts {
  return {
    async snapshot(workspaceId, contactId) {
      const contact = await contacts.get(workspaceId, contactId);
      return contact ? snapshotOf(contact) : undefined;
    },
    async timelineSince(workspaceId, contactId, since) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': interactionPk(workspaceId, contactId),
            ':from': `${INTERACTION_PREFIX}${since.toISOString()}`,
            ':to': `${INTERACTION_PREFIX}\uffff`,
          },
          ScanIndexForward: false,
          Limit: TIMELINE_LIMIT,
        }),
      );
      return (out.Items ?? []).map(
        (item): TimelineEntry => ({
          type: item.type_ as InteractionType,
          occurredAt: String(item.occurredAt),
          metadata: (item.metadata ?? {}) as Record<string, unknown>,
        }),
      );
    },
  };
}
