/**
 * The step runner's view of a contact: its fields, tags and score from the contact record,
 * and its timeline since the earliest moment the step judges (every page, newest first).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignContacts, ContactSnapshot, TimelineEntry } from '../campaigns/ports';
import type { ContactStore } from '../crm/contacts/ports';
import type { Contact, InteractionType } from '../crm/model';
import { canonicalTimeZone } from '../zoned-time';
import { queryAll } from './dynamo/query';
import { INTERACTION_PREFIX, interactionPk } from './keys';

/**
 * The custom field a contact's IANA time zone is kept in (`timeZone`, e.g. "Europe/Berlin").
 * Custom fields are free text: a value that is not a known zone is ignored (the campaign's zone
 * applies), so one bad field cannot fail the contact's steps. A known one is read as the name Intl
 * resolves it to (zoned-time.ts `canonicalTimeZone`: `europe/BERLIN` and `Europe/Berlin` are one
 * zone, as are an alias and its zone), so the steps, and the sender the zone travels to with a
 * campaign mail's window, see one name per zone however contacts spell it.
 */
export const TIME_ZONE_FIELD = 'timeZone';

export function snapshotOf(contact: Contact): ContactSnapshot {
  const field = contact.customFields[TIME_ZONE_FIELD];
  const zone = typeof field === 'string' ? canonicalTimeZone(field) : undefined;
  return {
    contactId: contact.contactId,
    email: contact.email,
    deleted: Boolean(contact.deletedAt),
    ...(zone !== undefined ? { timeZone: zone } : {}),
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
    customFields: contact.customFields,
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
      // Every entry since `since`, all pages: the step judges windows (an event wait, a goal, a
      // condition's last N days) that may lie before the newest entries, and a cut at the newest N
      // lost the oldest ones, those inside the window (review round 12: a form inside a 7-day
      // window, then 500 page visits, took the timeout branch). Strongly consistent: a step woken
      // by an interaction's event must see that interaction.
      const items = await queryAll(db, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#type': 'type_' },
        ExpressionAttributeValues: {
          ':pk': interactionPk(workspaceId, contactId),
          ':from': `${INTERACTION_PREFIX}${since.toISOString()}`,
          ':to': `${INTERACTION_PREFIX}\uffff`,
        },
        ProjectionExpression: '#type, occurredAt, metadata',
        ScanIndexForward: false,
        ConsistentRead: true,
      });
      return items.map(
        (item): TimelineEntry => ({
          type: item.type_ as InteractionType,
          occurredAt: String(item.occurredAt),
          metadata: (item.metadata ?? {}) as Record<string, unknown>,
        }),
      );
    },
  };
}
