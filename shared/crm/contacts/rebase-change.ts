/**
 * A contact change made again onto a fresher read. A change is computed from a read (`before`):
 * the whole new `tags` list, the whole new `customFields` map. Written as such over a contact that
 * changed meanwhile, it would drop what the other write did (a tag another campaign added, a field
 * a person set). What the change means is its difference from `before`: the tags it adds and
 * removes, the custom fields it sets and removes, the other fields it sets. `rebaseChange` applies
 * that difference to the contact as stored now (`current`), as if the change had been made after
 * the other write; the stores use it when their conditional write finds the contact changed
 * (ContactStore.update).
 */
import type { Contact } from '../model';
import { MAX_CUSTOM_FIELDS } from './custom-field-key';
import { ContactChangedError } from './errors';
import type { ContactChanges } from './ports';
import { MAX_TAGS } from './tag-field';

type Fields = Contact['customFields'];

/**
 * `changes` (computed from `before`) made onto `current`: tags added and removed, custom fields
 * set and removed, other fields as given. `tags` or `customFields` that `current` already holds
 * are left out (nothing to write).
 * @throws ContactChangedError when the merge would pass `MAX_TAGS` or `MAX_CUSTOM_FIELDS`, which
 * the change on its own did not: the caller decides again on a fresh read.
 */
export function rebaseChange(before: Contact, changes: ContactChanges, current: Contact): ContactChanges {
  const out: Record<string, unknown> = { ...changes };
  if (changes.tags !== undefined) {
    const asked = changes.tags;
    // In the order the change asked for (a PATCH may only reorder): its tags, less those another
    // write removed meanwhile that it did not add itself; then the tags another write added.
    const removedMeanwhile = (t: string) => before.tags.includes(t) && !current.tags.includes(t);
    const addedMeanwhile = current.tags.filter((t) => !before.tags.includes(t) && !asked.includes(t));
    const tags = [...asked.filter((t) => !removedMeanwhile(t)), ...addedMeanwhile];
    if (tags.length > MAX_TAGS && tags.length > asked.length) throw new ContactChangedError();
    if (sameList(tags, current.tags)) delete out.tags;
    else out.tags = tags;
  }
  if (changes.customFields !== undefined) {
    const asked = changes.customFields;
    const next = new Map(Object.entries(current.customFields));
    for (const k of Object.keys(before.customFields)) if (!Object.hasOwn(asked, k)) next.delete(k);
    for (const [k, v] of Object.entries(asked)) {
      if (!Object.hasOwn(before.customFields, k) || before.customFields[k] !== v) next.set(k, v);
    }
    const fields: Fields = Object.fromEntries(next);
    const count = Object.keys(fields).length;
    if (count > MAX_CUSTOM_FIELDS && count > Object.keys(asked).length) throw new ContactChangedError();
    if (sameFields(fields, current.customFields)) delete out.customFields;
    else out.customFields = fields;
  }
  return out as ContactChanges;
}

/** Whether `changes` writes anything but `updatedAt` (the time of a change). */
export const changesSomething = (changes: ContactChanges): boolean =>
  Object.keys(changes).some((k) => k !== 'updatedAt');

/** Whether the stored `tags` / `customFields` of `current` are still those of `before` (where `changes` writes them). */
export function readStillHolds(before: Contact, changes: ContactChanges, current: Contact): boolean {
  if (changes.tags !== undefined && !sameList(before.tags, current.tags)) return false;
  if (changes.customFields !== undefined && !sameFields(before.customFields, current.customFields)) return false;
  return true;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function sameFields(a: Fields, b: Fields): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
