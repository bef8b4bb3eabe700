/**
 * The Idempotency-Key of the email routes, over in-memory stores and a fake clock: a key is
 * bound to the request it was first used with. `POST /api/emails/send` (`sendOneOff`) and
 * `POST /api/email-templates/{id}/send` (`sendBroadcast`) answer a retry of the same request the
 * first answer again (replayed) and queue nothing; another request under the key is 422
 * `IDEMPOTENCY_KEY_REUSED` and queues nothing; a retry while the first runs does the same work
 * itself (same ids, so the ledger still mails once); a failed first attempt is re-run with the
 * same ids. A broadcast's page 0, re-queued, is always the stored one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type BroadcastRecord,
  type BroadcastStore,
  sendBroadcast,
  startBroadcast,
} from '../../../shared/email/broadcast';
import {
  type AudiencePageMessage,
  type EmailSendMessage,
  type OneOffSendBody,
  type ResolvedSend,
  type SendOneOffDeps,
  sendOneOff,
} from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';
import { fakeClock, sequentialIds } from '../crm/contacts/memory-stores';
import { memoryIdempotency } from '../idempotency/memory-idempotency';

const WS = 'ws-1';
const ada = { workspaceId: WS, userId: 'u-ada' };
const bob = { workspaceId: WS, userId: 'u-bob' };
const DAY = 24 * 3600_000;

type Queued = EmailSendMessage | AudiencePageMessage;
const recorder = () => {
  const sent: Queued[] = [];
  return { sent, queue: { send: async (m: Queued) => void sent.push(m) } };
};

describe('sendOneOff (POST /api/emails/send)', () => {
  const first: OneOffSendBody = {
    to: 'first@example.com',
    subject: 'First',
    html: '<p>1</p>',
    category: 'transactional',
  };
  const second: OneOffSendBody = {
    to: 'second@example.com',
    subject: 'Second',
    html: '<p>2</p>',
    category: 'transactional',
  };
  let clock: ReturnType<typeof fakeClock>;
  let sent: Queued[];
  let deps: SendOneOffDeps;
  let failResolve: boolean;

  beforeEach(() => {
    clock = fakeClock();
    const q = recorder();
    sent = q.sent;
    failResolve = false;
    deps = {
      queue: q.queue,
      idempotency: memoryIdempotency(clock.now),
      now: clock.now,
      newId: sequentialIds('id'),
      from: 'no-reply@x.test',
      resolve: async (_ws, body): Promise<ResolvedSend> => {
        if (failResolve) throw new Error('store down');
        if (!('subject' in body) || !body.to) throw new Error('inline bodies only here');
        return { to: body.to, category: body.category, subject: body.subject, html: body.html };
      },
    };
  });

  it('answers a retry of the same request the first answer again, replayed, and queues nothing more', async () => {
    const a = await sendOneOff(ada, first, 'k-1', deps);
    const b = await sendOneOff(ada, { ...first }, 'k-1', deps);
    expect(a).toMatchObject({ replayed: false, category: 'transactional' });
    expect(b).toEqual({ ...a, replayed: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ sendId: a.sendId, idempotencyKey: 'api#client#k-1', to: 'first@example.com' });
  });

  it('refuses another mail under the key with 422 IDEMPOTENCY_KEY_REUSED and queues nothing', async () => {
    await sendOneOff(ada, first, 'k-1', deps);
    await expect(sendOneOff(ada, second, 'k-1', deps)).rejects.toMatchObject({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    // The same body from another caller is another request too.
    await expect(sendOneOff(bob, first, 'k-1', deps)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(sent.map((m) => (m as EmailSendMessage).to)).toEqual(['first@example.com']);
  });

  it('still refuses it long after the usual day: the ledger never forgets the key', async () => {
    await sendOneOff(ada, first, 'k-1', deps);
    clock.advance(400 * DAY);
    await expect(sendOneOff(ada, second, 'k-1', deps)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(sent).toHaveLength(1);
  });

  it('answers a retry while the first attempt runs with the same send id: the same message, one ledger key', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const slow: SendOneOffDeps = {
      ...deps,
      resolve: async (ws, body) => {
        if (++calls === 1) await held;
        return deps.resolve(ws, body);
      },
    };
    const running = sendOneOff(ada, first, 'k-1', slow);
    const concurrent = await sendOneOff(ada, first, 'k-1', slow);
    // Another mail is still refused while the first runs.
    await expect(sendOneOff(ada, second, 'k-1', slow)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    release();
    const a = await running;
    expect(concurrent).toEqual(a);
    expect(sent.map((m) => [(m as EmailSendMessage).sendId, (m as EmailSendMessage).idempotencyKey])).toEqual([
      [a.sendId, 'api#client#k-1'],
      [a.sendId, 'api#client#k-1'],
    ]);
  });

  it('re-runs a failed first attempt with the same send id and ledger key', async () => {
    failResolve = true;
    await expect(sendOneOff(ada, first, 'k-1', deps)).rejects.toThrow('store down');
    failResolve = false;
    // The key stays bound to the first body, though nothing was queued.
    await expect(sendOneOff(ada, second, 'k-1', deps)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const retried = await sendOneOff(ada, first, 'k-1', deps);
    expect(retried.replayed).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ sendId: retried.sendId, idempotencyKey: 'api#client#k-1' });
  });

  it('keeps keys per workspace, and makes every request without a key a new send', async () => {
    const here = await sendOneOff(ada, first, 'k-1', deps);
    const there = await sendOneOff({ workspaceId: 'ws-2', userId: 'u-ada' }, second, 'k-1', deps);
    expect(there.sendId).not.toBe(here.sendId);
    const x = await sendOneOff(ada, first, undefined, deps);
    const y = await sendOneOff(ada, first, undefined, deps);
    expect([x.replayed, y.replayed]).toEqual([false, false]);
    expect(x.sendId).not.toBe(y.sendId);
    expect(sent.map((m) => (m as EmailSendMessage).idempotencyKey)).toEqual([
      'api#client#k-1',
      'api#client#k-1',
      `api#generated#${x.sendId}`,
      `api#generated#${y.sendId}`,
    ]);
  });
});

describe('sendBroadcast (POST /api/email-templates/{id}/send)', () => {
  const version = (templateId: string, subject: string): TemplateVersion => ({
    workspaceId: WS,
    templateId,
    version: 1,
    name: subject,
    // A broadcast is of a marketing template (r19d: a transactional one is refused).
    category: 'marketing',
    subject,
    html: `<p>${subject}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>{{ workspace.postalAddress }}`,
    createdAt: '',
    createdBy: 'u-ada',
  });
  const versions = new Map([
    ['tpl-a', version('tpl-a', 'A')],
    ['tpl-b', version('tpl-b', 'B')],
  ]);
  const templates: Pick<TemplateStore, 'get' | 'version'> = {
    async get(ws, id) {
      const v = ws === WS ? versions.get(id) : undefined;
      return v
        ? ({
            workspaceId: WS,
            templateId: id,
            name: v.name,
            category: v.category,
            latestVersion: v.version,
            createdAt: '',
            updatedAt: '',
          } satisfies TemplateRecord)
        : undefined;
    },
    async version(ws, id, v) {
      const found = ws === WS ? versions.get(id) : undefined;
      return found?.version === v ? found : undefined;
    },
  };
  const memoryBroadcasts = (): BroadcastStore & { records: Map<string, BroadcastRecord> } => {
    const records = new Map<string, BroadcastRecord>();
    return {
      records,
      async create(record) {
        if (records.has(record.broadcastId)) return false;
        records.set(record.broadcastId, record);
        return true;
      },
      async get(_ws, id) {
        return records.get(id);
      },
      async pageRecorded() {
        return false;
      },
      async recordPage() {
        return true;
      },
    };
  };

  let clock: ReturnType<typeof fakeClock>;
  let sent: Queued[];
  let broadcasts: ReturnType<typeof memoryBroadcasts>;
  let deps: Parameters<typeof sendBroadcast>[4];
  const tagged = { audience: { tag: 'vip' } };

  beforeEach(() => {
    clock = fakeClock();
    const q = recorder();
    sent = q.sent;
    broadcasts = memoryBroadcasts();
    deps = {
      templates,
      broadcasts,
      queue: q.queue,
      profile: async () => ({ name: 'Acme', postalAddress: '1 Main Street' }),
      idempotency: memoryIdempotency(clock.now),
      newId: sequentialIds('b'),
      now: clock.now,
    };
  });
  const pages = () => sent as AudiencePageMessage[];

  it('answers a retry of the same request the first answer again, replayed, and queues no second page', async () => {
    const a = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', deps);
    const b = await sendBroadcast(ada, 'tpl-a', { audience: { tag: 'vip' } }, 'k-1', deps);
    expect(a).toMatchObject({ replayed: false, status: 'queued', templateId: 'tpl-a' });
    expect(b).toEqual({ ...a, replayed: true });
    expect(pages()).toHaveLength(1);
    expect(pages()[0]).toMatchObject({ broadcastId: a.broadcastId, templateId: 'tpl-a', audience: { tag: 'vip' } });
  });

  it('refuses another template, audience, version or caller under the key with 422, and queues nothing', async () => {
    const a = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', deps);
    for (const [caller, templateId, input] of [
      [ada, 'tpl-b', tagged],
      [ada, 'tpl-a', { audience: {} }],
      [ada, 'tpl-a', { ...tagged, version: 1 }],
      [bob, 'tpl-a', tagged],
    ] as const) {
      await expect(sendBroadcast(caller, templateId, input, 'k-1', deps)).rejects.toMatchObject({
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    expect(pages().map((p) => p.templateId)).toEqual(['tpl-a']);
    expect([...broadcasts.records.values()].map((r) => [r.broadcastId, r.templateId])).toEqual([
      [a.broadcastId, 'tpl-a'],
    ]);
  });

  it('after the day the key is kept, the stored broadcast still tells a retry from another request', async () => {
    const a = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', deps);
    clock.advance(2 * DAY);
    await expect(sendBroadcast(ada, 'tpl-b', tagged, 'k-1', deps)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const again = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', deps);
    expect(again.broadcastId).toBe(a.broadcastId);
    // No page recorded yet: page 0 again, the stored broadcast's.
    expect(pages().map((p) => [p.broadcastId, p.templateId, p.page])).toEqual([
      [a.broadcastId, 'tpl-a', 0],
      [a.broadcastId, 'tpl-a', 0],
    ]);
  });

  it('re-queues page 0 from the stored record when the first attempt died before queueing it', async () => {
    let down = true;
    const flaky = {
      ...deps,
      queue: {
        send: async (m: Queued) => {
          if (down) throw new Error('queue down');
          sent.push(m);
        },
      },
    };
    await expect(sendBroadcast(ada, 'tpl-a', tagged, 'k-1', flaky)).rejects.toThrow('queue down');
    down = false;
    await expect(sendBroadcast(ada, 'tpl-b', tagged, 'k-1', flaky)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const retried = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', flaky);
    expect(pages()).toEqual([
      expect.objectContaining({ broadcastId: retried.broadcastId, templateId: 'tpl-a', version: 1, page: 0 }),
    ]);
  });

  it('answers a retry while the first attempt runs with the same broadcast, recorded once', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const slow = {
      ...deps,
      profile: async () => {
        if (++calls === 1) await held;
        return { name: 'Acme', postalAddress: '1 Main Street' };
      },
    };
    const running = sendBroadcast(ada, 'tpl-a', tagged, 'k-1', slow);
    const concurrent = await sendBroadcast(ada, 'tpl-a', tagged, 'k-1', slow);
    await expect(sendBroadcast(ada, 'tpl-b', tagged, 'k-1', slow)).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    release();
    const a = await running;
    expect(concurrent.broadcastId).toBe(a.broadcastId);
    expect(broadcasts.records.size).toBe(1);
    expect(pages().every((p) => p.broadcastId === a.broadcastId && p.templateId === 'tpl-a' && p.page === 0)).toBe(
      true,
    );
  });

  it('startBroadcast itself never folds another template into a stored broadcast', async () => {
    const a = await startBroadcast(WS, 'tpl-a', tagged, { clientKey: 'k-1', createdBy: 'u-ada' }, deps);
    await expect(
      startBroadcast(WS, 'tpl-b', tagged, { clientKey: 'k-1', createdBy: 'u-ada' }, deps),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const again = await startBroadcast(WS, 'tpl-a', tagged, { clientKey: 'k-1', createdBy: 'u-ada' }, deps);
    expect(again.broadcastId).toBe(a.broadcastId);
    expect(pages().every((p) => p.templateId === 'tpl-a' && p.audience.tag === 'vip')).toBe(true);
  });

  it('starts a new broadcast for every request without a key', async () => {
    const x = await sendBroadcast(ada, 'tpl-a', tagged, undefined, deps);
    const y = await sendBroadcast(ada, 'tpl-a', tagged, undefined, deps);
    expect(x.broadcastId).not.toBe(y.broadcastId);
    expect([x.replayed, y.replayed]).toEqual([false, false]);
    expect(pages()).toHaveLength(2);
  });
});
