/**
 * Review 8: an `ownerUserId` naming a non-member was stored (create, PATCH, import), and custom
 * field keys that trim to one name silently dropped all values but the last. Both are refused now.
 */
import { describe, expect, it } from 'vitest';
import { contactCreateSchema } from '../../../../shared/crm/contacts/contact-fields';
import { UnknownOwnerError } from '../../../../shared/crm/contacts/errors';
import { importContacts } from '../../../../shared/crm/contacts/import-contacts';
import { createContact, updateContact } from '../../../../shared/crm/contacts/use-cases';
import { fakeClock, memoryContacts, sequentialIds } from './memory-stores';

const reads: string[] = [];
const members = {
  find: async (workspaceId: string, userId: string) => {
    reads.push(userId);
    return workspaceId === 'ws' && userId === 'member' ? { userId } : undefined;
  },
};
const deps = () => ({
  contacts: memoryContacts(),
  now: fakeClock().now,
  newId: sequentialIds(),
  events: { publish: async () => {} },
  members,
});

describe('ownerUserId', () => {
  it('must be a member on create and PATCH; no read without an owner', async () => {
    const d = deps();
    reads.length = 0;
    const plain = await createContact('ws', contactCreateSchema.parse({ email: 'a@example.com' }), d);
    expect(reads).toEqual([]);
    await expect(
      createContact('ws', contactCreateSchema.parse({ email: 'b@example.com', ownerUserId: 'stranger' }), d),
    ).rejects.toBeInstanceOf(UnknownOwnerError);
    await expect(updateContact('ws', plain.contactId, { ownerUserId: 'stranger' }, d)).rejects.toMatchObject({
      code: 'UNKNOWN_OWNER',
      status: 400,
    });
    expect((await updateContact('ws', plain.contactId, { ownerUserId: 'member' }, d)).ownerUserId).toBe('member');
  });

  it('an import row setting a non-member fails with field ownerUserId; one read per distinct owner', async () => {
    reads.length = 0;
    const csv = 'email,owner\na@example.com,member\nb@example.com,stranger\nc@example.com,stranger\nd@example.com,\n';
    // biome-ignore lint/suspicious/noExplicitAny: the events port is not under test
    const report = await importContacts('ws', csv, deps() as any);
    expect([report.created, report.failed]).toEqual([2, 2]);
    expect(report.errors.map((e) => [e.line, e.errors[0]?.field])).toEqual([
      [3, 'ownerUserId'],
      [4, 'ownerUserId'],
    ]);
    expect(reads.sort()).toEqual(['member', 'stranger']);
  });
});

describe('custom field keys', () => {
  it('refuses keys that trim to the same name, naming them; a lone padded key is trimmed', () => {
    const collide = contactCreateSchema.safeParse({
      email: 'a@example.com',
      customFields: { ' plan': 'gold', 'plan ': 'silver' },
    });
    expect(collide.success).toBe(false);
    expect(collide.error?.issues[0]?.message).toBe('Keys " plan" and "plan " are the same field once trimmed');
    expect(
      contactCreateSchema.parse({ email: 'a@example.com', customFields: { ' plan ': 'gold' } }).customFields,
    ).toEqual({ plan: 'gold' });
  });
});
