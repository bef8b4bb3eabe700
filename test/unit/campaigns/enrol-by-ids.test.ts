import { describe, expect, it } from 'vitest';
import { enrolContactIds } from '../../../shared/campaigns/enrol-by-ids';
import type { DripStepMessage } from '../../../shared/campaigns/messages';
import type { Contact } from '../../../shared/crm/model';
import { ValidationError } from '../../../shared/errors';

function world() {
  const contacts = new Map<string, Partial<Contact>>([
    ['a', { email: 'a@example.com' }],
    ['b', { email: 'b@example.com' }],
    ['gone', { email: 'gone@example.com', deletedAt: '2026-12-01T00:00:00Z' }],
    ['unsub', { email: 'unsub@example.com' }],
  ]);
  const queued: DripStepMessage[] = [];
  const deps = {
    contacts: {
      get: async (workspaceId: string, id: string) =>
        workspaceId === 'ws1' && contacts.has(id) ? ({ contactId: id, ...contacts.get(id) } as Contact) : undefined,
    },
    suppressions: {
      reasonsFor: async (_ws: string, email: string) => (email === 'unsub@example.com' ? ['unsubscribe' as const] : []),
    },
    queue: {
      sendAll: async (messages: readonly DripStepMessage[]) => {
        queued.push(...messages);
      },
    },
  };
  return { deps, queued };
}

const input = (contactIds: string[], workspaceId = 'ws1') => ({
  workspaceId,
  campaignId: 'c1',
  launchId: 'l1',
  contactIds,
});

describe('enrolment by contact ids', () => {
  it('queues each live contact once and leaves out the suppressed', async () => {
    const w = world();
    expect(await enrolContactIds(input(['a', 'b', 'a', 'unsub']), w.deps)).toEqual({ queued: 2, suppressed: 1 });
    expect(w.queued.map((m) => ('contactId' in m ? m.contactId : ''))).toEqual(['a', 'b']);
  });

  it('refuses ids of deleted, unknown or other workspaces’ contacts and queues nothing', async () => {
    const w = world();
    const error = await enrolContactIds(input(['a', 'gone', 'nope']), w.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'CONTACTS_NOT_FOUND', details: { missing: ['gone', 'nope'] } });
    await expect(enrolContactIds(input(['a'], 'ws2'), w.deps)).rejects.toMatchObject({ code: 'CONTACTS_NOT_FOUND' });
    expect(w.queued).toEqual([]);
  });
});
