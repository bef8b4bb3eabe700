/**
 * `action` nodes. Each acts once per step key (`target.idempotencyKey`):
 * - `add-tag`, `remove-tag`, `set-field` write the contact through `ContactStore.update` under the
 *   step key: the key is claimed in the same write as the change, so a step delivered again or a
 *   failed enrolment retried later writes nothing over what a person, an import or another
 *   campaign wrote meanwhile. The write lands only onto the tags / fields it was computed from; a
 *   concurrent change is kept (the store makes the change again onto a fresh read). A change the
 *   contact already holds writes (and claims) nothing: that step had no effect to repeat.
 *   A tag is written only as a contact may hold it: `add-tag` onto a contact already at MAX_TAGS
 *   fails the enrolment with that reason (the tag is not silently dropped, nor another tag pushed
 *   out); so does a new field past MAX_CUSTOM_FIELDS. The limit is for a new effect only: a step
 *   run again whose key was claimed on an earlier run (its change made) is done, whatever the
 *   contact holds now (`ContactEffects.effectClaimed`).
 * - a score adjustment claims the key in the score's own write (adjust-score.ts);
 * - a notification is a send the email pipeline mails once per key (notify-member.ts);
 * - a webhook carries the key as its signed `webhook-id` (Standard Webhooks; also sent as
 *   `Idempotency-Key`) for the receiver to dedupe on (webhook-action.ts: delivery is at least once).
 * A contact deleted since the step read it (the action's own read, or a write's condition, finds
 * it gone) throws ContactDeletedError: the enrolment exits `contact-deleted`, no failure.
 */

import { customFieldKey, MAX_CUSTOM_FIELDS } from '../crm/contacts/custom-field-key';
import { ContactChangedError } from '../crm/contacts/errors';
import type { ContactChanges, ContactEffects, ContactStore } from '../crm/contacts/ports';
import { heldTag, holdsTag, MAX_TAGS, tagField } from '../crm/contacts/tag-field';
import type { Contact } from '../crm/model';
import { adjustScore } from '../crm/scoring/adjust-score';
import type { ScoringDeps } from '../crm/scoring/score-interaction';
import { NotFoundError } from '../errors';
import type { JourneyAction } from './journey';
import { type NotifyDeps, notifyMember } from './notify-member';
import { ActionFailedError, type ActionPerformer, type ActionTarget, ContactDeletedError } from './ports';
import { type CampaignSigningSecrets, signingSecretOf } from './signing-secret';
import { sendWebhook, type WebhookAttempts, type WebhookPoster } from './webhook-action';

export interface JourneyActionDeps {
  /**
   * `effectClaimed` answers whether a step's tag or field effect was made already (a store that
   * keeps the claims: dynamo-contacts.ts); without it, a step run again at the contact's limit is
   * refused as a new effect would be.
   */
  readonly contacts: Pick<ContactStore, 'get' | 'update'> & Partial<ContactEffects>;
  readonly now: () => Date;
  /**
   * The wall clock, for what a receiver checks against its own: a webhook's signed timestamp. It
   * differs from `now` only under an accelerated local clock (TIME_SCALE), where a receiver's
   * five-minute replay window would otherwise refuse every call. Defaults to `now`.
   */
  readonly realNow?: () => Date;
  readonly scoring: ScoringDeps;
  readonly webhooks: {
    readonly secrets: CampaignSigningSecrets;
    readonly poster: WebhookPoster;
    /** Where a webhook's attempts are counted per effect key (webhook-action.ts). */
    readonly attempts?: WebhookAttempts;
  };
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

/**
 * Attempts of a tag or field action whose write found the contact changed beyond what the store
 * may merge (a racing write took the last free tag or field place): decided again on a fresh read.
 */
const CHANGE_ATTEMPTS = 3;

type ContactAction = Extract<JourneyAction, { type: 'add-tag' | 'remove-tag' | 'set-field' }>;

/**
 * What `action` changes on `contact`: undefined when the contact already holds it (nothing to do).
 * @throws ActionFailedError when the contact may not hold it (a tag or field past the limit, a
 * name no contact can hold).
 */
function contactChange(action: ContactAction, contact: Contact, updatedAt: string): ContactChanges | undefined {
  switch (action.type) {
    case 'add-tag': {
      const tag = tagOf(action.tag);
      if (holdsTag(contact.tags, tag)) return undefined;
      if (contact.tags.length >= MAX_TAGS) {
        throw new ActionFailedError(
          `The contact already has ${contact.tags.length} tags, the most a contact may have (${MAX_TAGS}); "${tag}" was not added`,
        );
      }
      return { tags: [...contact.tags, tag], updatedAt };
    }
    case 'remove-tag': {
      // A tag no contact can hold (a journey published before the save rule) is on none: nothing to remove.
      // As the contact holds it (a tag stored before tags were NFC may be spelt decomposed).
      const tag = tagField.safeParse(action.tag).data;
      const held = tag === undefined ? undefined : heldTag(contact.tags, tag);
      if (held === undefined) return undefined;
      return { tags: contact.tags.filter((t) => t !== held), updatedAt };
    }
    case 'set-field': {
      // As a contact holds it (a journey published before the save rule may name another key).
      const field = customFieldKey.safeParse(action.field).data;
      if (field === undefined) {
        throw new ActionFailedError(`${JSON.stringify(action.field)} is not a custom field a contact may hold`);
      }
      const held = Object.hasOwn(contact.customFields, field);
      if (held && contact.customFields[field] === action.value) return undefined;
      const count = Object.keys(contact.customFields).length;
      if (!held && count >= MAX_CUSTOM_FIELDS) {
        throw new ActionFailedError(
          `The contact already has ${count} custom fields, the most a contact may have (${MAX_CUSTOM_FIELDS}); "${field}" was not set`,
        );
      }
      return { customFields: { ...contact.customFields, [field]: action.value }, updatedAt };
    }
  }
}

export function journeyActions(deps: JourneyActionDeps): ActionPerformer {
  /** The contact as stored now. @throws ContactDeletedError when it was deleted since the step read it. */
  const liveContact = async (target: ActionTarget): Promise<Contact> => {
    const contact = await deps.contacts.get(target.workspaceId, target.contactId);
    if (!contact || contact.deletedAt) throw new ContactDeletedError();
    return contact;
  };

  const claimed = (target: ActionTarget): Promise<boolean> =>
    deps.contacts.effectClaimed?.(target.workspaceId, target.contactId, target.idempotencyKey) ??
    Promise.resolve(false);

  /**
   * A tag or field action: decided on the contact as read, written under the step key (claimed
   * with the change: once per key), onto the values it was computed from.
   */
  const changeOnce = async (action: ContactAction, target: ActionTarget, first: Contact): Promise<void> => {
    let contact = first;
    for (let attempt = 1; ; attempt += 1) {
      const updatedAt = deps.now().toISOString();
      // Nothing to change still claims the step's key (an update of nothing but the claim): the
      // step's effect is decided once, so a run of it again never acts on a newer contact.
      let decided: ContactChanges | undefined;
      try {
        decided = contactChange(action, contact, updatedAt);
      } catch (refusal) {
        // Refused (a limit the contact reached since): a step run again whose effect was made
        // already (its key claimed on an earlier run) is done; only a new effect is refused.
        if (await claimed(target)) return;
        throw refusal;
      }
      const changes = decided ?? { updatedAt };
      try {
        await deps.contacts.update(contact, changes, { effectKey: target.idempotencyKey });
        return;
      } catch (error) {
        if (!(error instanceof ContactChangedError) || attempt >= CHANGE_ATTEMPTS) throw error;
      }
      contact = await liveContact(target);
    }
  };

  /** What `action` does to `contact`, as the step read it just now. */
  const performOn = async (contact: Contact, action: JourneyAction, target: ActionTarget): Promise<void> => {
    switch (action.type) {
      case 'add-tag':
      case 'remove-tag':
      case 'set-field':
        await changeOnce(action, target, contact);
        return;
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
          ...(deps.webhooks.attempts ? { attempts: deps.webhooks.attempts } : {}),
        });
        return;
      }
      case 'notify-user':
        await notifyMember(action, target, contact, deps.notify);
        return;
    }
  };

  return {
    async perform(action, target) {
      try {
        await performOn(await liveContact(target), action, target);
      } catch (error) {
        // A write that found the contact gone (the score's condition: a 404): deleted meanwhile.
        if (error instanceof NotFoundError && error.code === 'CONTACT_NOT_FOUND') {
          throw new ContactDeletedError({ cause: error });
        }
        throw error;
      }
    },
  };
}
