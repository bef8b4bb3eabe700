/**
 * `action` nodes that change the contact: tags and fields. Each is idempotent by nature (adding a
 * tag twice leaves one), so a replayed step repeats nothing visible. Score adjustments, webhooks
 * and notifications are refused when a journey is saved (journey-rules.ts) until they exist.
 */
import type { ContactStore } from '../crm/contacts/ports';
import { ActionFailedError, type ActionPerformer } from './ports';

export function contactActions(deps: {
  contacts: Pick<ContactStore, 'get' | 'update'>;
  now: () => Date;
}): ActionPerformer {
  return {
    async perform(action, target) {
      const contact = await deps.contacts.get(target.workspaceId, target.contactId);
      if (!contact || contact.deletedAt) throw new ActionFailedError('The contact no longer exists');
      const updatedAt = deps.now().toISOString();
      switch (action.type) {
        case 'add-tag': {
          const tag = action.tag.trim().toLowerCase();
          if (!contact.tags.includes(tag))
            await deps.contacts.update(contact, { tags: [...contact.tags, tag], updatedAt });
          return;
        }
        case 'remove-tag': {
          const tag = action.tag.trim().toLowerCase();
          if (contact.tags.includes(tag)) {
            await deps.contacts.update(contact, { tags: contact.tags.filter((t) => t !== tag), updatedAt });
          }
          return;
        }
        case 'set-field':
          if (contact.customFields[action.field] !== action.value) {
            await deps.contacts.update(contact, {
              customFields: { ...contact.customFields, [action.field]: action.value },
              updatedAt,
            });
          }
          return;
        default:
          throw new ActionFailedError(`The action "${action.type}" is not available yet`);
      }
    },
  };
}
