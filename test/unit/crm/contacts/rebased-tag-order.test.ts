/**
 * Review round 15: this test failed at f03ad0e (a PATCH that only reordered tags, rebased after a lost race, was dropped and still answered 200).
 *
 * Review round 15 (writes). Defect: a PATCH that reorders a contact's tags (`["b","a"]` over
 * `["a","b"]`: the API keeps tags as an ordered list, PATCH replaces it, and `diff` counts a new order
 * as a change) and loses the race to any other tag write (a journey's add-tag, an import row) answers
 * 200 but drops the new order: `rebaseChange` keeps only the tags the PATCH added and removed and
 * takes the stored order, then finds the list "unchanged" and leaves `tags` out of the write.
 * The caller is told the change was made; it silently was not.
 *
 * Severity: LOW (a requested order silently not applied on a lost race; nothing is lost).
 * Root cause: shared/crm/contacts/rebase-change.ts `rebaseChange` (`kept = current.tags...`, then
 * `sameList(tags, current.tags)` deletes the change) used by shared/adapters/dynamo-contacts.ts `update`.
 * Correct: the rebased list keeps the order the change asked for the tags it names (asked order
 * first, the concurrent additions after), e.g. ["b","a","c"]; or the write answers 409 CONTACT_CHANGED.
 */
import { describe, expect, it } from 'vitest';
import { rebaseChange } from '../../../../shared/crm/contacts/rebase-change';
import type { Contact } from '../../../../shared/crm/model';

const contact = (tags: string[]): Contact => ({
  contactId: 'c1',
  workspaceId: 'ws1',
  email: 'c1@example.test',
  status: 'lead',
  tags,
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('a PATCH reordering tags, rebased after a concurrent tag write', () => {
  it('keeps the order it asked for (the PATCH answered 200)', () => {
    const before = contact(['a', 'b']);
    const current = contact(['a', 'b', 'c']); // a journey added "c" meanwhile
    const rebased = rebaseChange(before, { tags: ['b', 'a'], updatedAt: '2026-01-02T00:00:00.000Z' }, current);
    expect(rebased.tags).toEqual(['b', 'a', 'c']);
  });
});
