/**
 * `action` nodes. Tags and fields are idempotent by nature (adding a tag twice leaves one). A tag
 * is written only as a contact may hold it: `add-tag` onto a contact already at MAX_TAGS fails the
 * enrolment with that reason (the tag is not silently dropped, nor another tag pushed out). The
 * others act once per step key: a score adjustment claims the key in the score's own write
 * (adjust-score.ts), a notification is a send the email pipeline mails once per key
 * (notify-member.ts), and a webhook carries the key as `Idempotency-Key` for the receiver to
 * dedupe on (webhook-action.ts: delivery is at least once).
 */

import { customFieldKey, MAX_CUSTOM_FIELDS } from '../crm/contacts/custom-field-key';
import type { ContactStore } from '../crm/contacts/ports';
import { MAX_TAGS, tagField } from '../crm/contacts/tag-field';
import { adjustScore } from '../crm/scoring/adjust-score';
import type { ScoringDeps } from '../crm/scoring/score-interaction';
import { type NotifyDeps, notifyMember } from './notify-member';
import { ActionFailedError, type ActionPerformer } from './ports';
import { type CampaignSigningSecrets, signingSecretOf } from './signing-secret';
import { sendWebhook, type WebhookPoster } from './webhook-action';

export interface JourneyActionDeps {
  readonly contacts: Pick<ContactStore, 'get' | 'update'>;
  readonly now: () => Date;
  /**
   * The wall clock, for what a receiver checks against its own: a webhook's signed timestamp. It
   * differs from `now` only under an accelerated local clock (TIME_SCALE), where a receiver's
   * five-minute replay window would otherwise refuse every call. Defaults to `now`.
   */
  readonly realNow?: () => Date;
  readonly scoring: ScoringDeps;
  readonly webhooks: { readonly secrets: CampaignSigningSecrets; readonly poster: WebhookPoster };
  readonly notify: NotifyDeps;
  /**
   * The step's last delivery (the next failure dead-letters it): a failure that would be retried
   * fails the enrolment instead, with its reason.
   */
  readonly finalAttempt?: boolean;
}

/**
 * `tag` as a contact holds it. Journeys are refused at save with a tag no contact can hold
 * (journey.ts); an `add-tag` published before that rule fails the enrolment here rather than
 * write it.
 */
function tagOf(tag: string): string {
  const parsed = tagField.safeParse(tag);
  if (!parsed.success) throw new ActionFailedError(`"${tag}" is not a tag a contact can hold (1-50 characters)`);
  return parsed.data;
}

export function journeyActions(deps: JourneyActionDeps): ActionPerformer {
  return {
    async perform(action, target) {
      const contact = await deps.contacts.get(target.workspaceId, target.contactId);
      if (!contact || contact.deletedAt) throw new ActionFailedError('The contact no longer exists');
      const updatedAt = deps.now().toISOString();
      switch (action.type) {
        case 'add-tag': {
          const tag = tagOf(action.tag);
          if (contact.tags.includes(tag)) return;
          if (contact.tags.length >= MAX_TAGS) {
            throw new ActionFailedError(
              `The contact already has ${contact.tags.length} tags, the most a contact may have (${MAX_TAGS}); "${tag}" was not added`,
            );
          }
          await deps.contacts.update(contact, { tags: [...contact.tags, tag], updatedAt });
          return;
        }
        case 'remove-tag': {
          // A tag no contact can hold (a journey published before the save rule) is on none: nothing to remove.
          const tag = tagField.safeParse(action.tag).data;
          if (tag === undefined) return;
          if (contact.tags.includes(tag)) {
            await deps.contacts.update(contact, { tags: contact.tags.filter((t) => t !== tag), updatedAt });
          }
          return;
        }
        case 'set-field': {
          // As a contact holds it (a journey published before the save rule may name another key).
          const field = customFieldKey.safeParse(action.field).data;
          if (field === undefined) {
            throw new ActionFailedError(`${JSON.stringify(action.field)} is not a custom field a contact may hold`);
          }
          const held = Object.hasOwn(contact.customFields, field);
          if (held && contact.customFields[field] === action.value) return;
          const count = Object.keys(contact.customFields).length;
          if (!held && count >= MAX_CUSTOM_FIELDS) {
            throw new ActionFailedError(
              `The contact already has ${count} custom fields, the most a contact may have (${MAX_CUSTOM_FIELDS}); "${field}" was not set`,
            );
          }
          await deps.contacts.update(contact, {
            customFields: { ...contact.customFields, [field]: action.value },
            updatedAt,
          });
          return;
        }
        case 'adjust-score':
          await adjustScore(
            contact,
            {
              adjustmentId: target.idempotencyKey,
              points: action.points,
              reason: `campaign ${target.campaignId} node ${target.nodeId}: ${action.points >= 0 ? '+' : ''}${action.points}`,
              campaignId: target.campaignId,
              nodeId: target.nodeId,
            },
            deps.scoring,
          );
          return;
        case 'webhook': {
          const secret = await signingSecretOf(target.workspaceId, target.campaignId, {
            secrets: deps.webhooks.secrets,
            now: deps.now,
          });
          await sendWebhook(action.url, target, contact, {
            secret,
            poster: deps.webhooks.poster,
            now: deps.now,
            signedAt: deps.realNow ?? deps.now,
            ...(deps.finalAttempt ? { finalAttempt: true } : {}),
          });
          return;
        }
        case 'notify-user':
          await notifyMember(action, target, contact, deps.notify);
          return;
      }
    },
  };
}
