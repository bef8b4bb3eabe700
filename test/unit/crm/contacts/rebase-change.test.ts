/**
 * A contact change made again onto a fresher read keeps what the other write did: the tags it
 * added or removed, the fields it set or removed; it never passes a contact's limits by merging.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CUSTOM_FIELDS } from '../../../../shared/crm/contacts/custom-field-key';
import { ContactChangedError } from '../../../../shared/crm/contacts/errors';
import { changesSomething, readStillHolds, rebaseChange } from '../../../../shared/crm/contacts/rebase-change';
import { MAX_TAGS } from '../../../../shared/crm/contacts/tag-field';
import type { Contact } from '../../../../shared/crm/model';

const contact = (over: Partial<Contact> = {}): Contact => ({
  contactId: 'c1',
  workspaceId: 'ws',
  email: 'a@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});
const at = '2026-03-01T00:00:00Z';

describe('rebaseChange', () => {
  it('adds and removes onto the stored tags, keeping the tags another write added or removed', () => {
    const before = contact({ tags: ['a', 'b', 'c'] });
    const current = contact({ tags: ['a', 'c', 'x'] });
    const rebased = rebaseChange(before, { tags: ['b', 'c', 'new'], updatedAt: at }, current);
    // In the change's own order (its tags, less `b` removed meanwhile), then the tag added meanwhile.
    expect(rebased).toEqual({ tags: ['c', 'new', 'x'], updatedAt: at });
  });

  it('sets and removes onto the stored fields, keeping the fields another write set', () => {
    const before = contact({ customFields: { plan: 'free', gone: 1, same: true } });
    const current = contact({ customFields: { plan: 'free', gone: 1, same: true, region: 'eu' } });
    const rebased = rebaseChange(before, { customFields: { plan: 'pro', same: true }, updatedAt: at }, current);
    expect(rebased.customFields).toEqual({ plan: 'pro', same: true, region: 'eu' });
  });

  it('a field another write changed and this change does not touch keeps its new value', () => {
    const before = contact({ customFields: { plan: 'free', stage: 'lead' } });
    const current = contact({ customFields: { plan: 'free', stage: 'customer' } });
    const rebased = rebaseChange(before, { customFields: { plan: 'pro', stage: 'lead' } }, current);
    expect(rebased.customFields).toEqual({ plan: 'pro', stage: 'customer' });
  });

  it('leaves out what the stored contact already holds', () => {
    const before = contact({ tags: ['a'] });
    const current = contact({ tags: ['a', 'b'], customFields: { k: 1 } });
    const rebased = rebaseChange(before, { tags: ['a', 'b'], updatedAt: at }, current);
    expect(rebased).toEqual({ updatedAt: at });
    expect(changesSomething(rebased)).toBe(false);
    expect(rebaseChange(contact(), { customFields: { k: 1 } }, current)).toEqual({});
  });

  it('other fields are written as given', () => {
    const rebased = rebaseChange(contact(), { status: 'customer', firstName: undefined }, contact({ firstName: 'A' }));
    expect(rebased).toEqual({ status: 'customer', firstName: undefined });
    expect(changesSomething(rebased)).toBe(true);
  });

  it('refuses a merge past the tag or field limit', () => {
    const tags = Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`);
    expect(() => rebaseChange(contact({ tags }), { tags: [...tags, 'x'] }, contact({ tags: [...tags, 'y'] }))).toThrow(
      ContactChangedError,
    );
    const fields = Object.fromEntries(Array.from({ length: MAX_CUSTOM_FIELDS - 1 }, (_, i) => [`f${i}`, i]));
    expect(() =>
      rebaseChange(
        contact({ customFields: fields }),
        { customFields: { ...fields, x: 1 } },
        contact({ customFields: { ...fields, y: 1 } }),
      ),
    ).toThrow(ContactChangedError);
  });

  it('keeps a reserved-looking key as an own field, never a prototype', () => {
    const rebased = rebaseChange(contact(), { customFields: JSON.parse('{"__proto__": "x"}') }, contact());
    expect(Object.hasOwn(rebased.customFields ?? {}, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(rebased.customFields)).toBe(Object.prototype);
  });
});

describe('readStillHolds', () => {
  it('looks only at the tags and fields the change writes', () => {
    const before = contact({ tags: ['a'] });
    expect(readStillHolds(before, { status: 'customer' }, contact({ tags: ['b'] }))).toBe(true);
    expect(readStillHolds(before, { tags: ['a', 'c'] }, contact({ tags: ['b'] }))).toBe(false);
    expect(readStillHolds(before, { customFields: { k: 1 } }, contact({ customFields: { j: 1 } }))).toBe(false);
  });
});
