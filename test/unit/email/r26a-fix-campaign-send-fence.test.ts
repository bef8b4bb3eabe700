// Review round 26 (a), the class: a write meant to stop a run's effects (a person's exit, the
// campaign's pause or archive) answered 200 while a mail of that run is already queued (its step read
// the enrolment before the write, or the mail waits in the pipeline: a send window, the pace). The
// sender's last look (send-email.ts `campaignFence` -> shared/campaigns/send-fence.ts) reads the
// run's enrolment and its campaign with the contact and suppressions, and stops such a mail: closed
// for an exit or an archive, given back to the queue for a pause. Other mail is not asked about.
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { haltedAfter } from '../../../shared/campaigns/enrolment';
import { campaignRunOf, campaignSendFence, PAUSED_CAMPAIGN_RETRY_MS } from '../../../shared/campaigns/send-fence';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { sendWorld } from './send-fixture';

const WS = 'ws-1';
type Record = Pick<EnrolmentState, 'run' | 'exitReason' | 'halted'>;

function world(record: Record | undefined, status: 'active' | 'paused' | 'archived' | 'draft' = 'active') {
  const asked: string[] = [];
  const fence = campaignSendFence({
    enrolment: async (_ws, campaignId, contactId) => {
      asked.push(`${campaignId}/${contactId}`);
      return record;
    },
    campaignStatus: async () => status,
  });
  const { deps, outbox } = sendWorld({
    contactStatusOf: async () => ({ status: 'lead', email: 'ada@example.com' }),
    campaignFence: fence,
  });
  return { deps, outbox, asked };
}

const send = (key = 'campaign#camp-1#c-ada#2#mail#3'): SendRequest => ({
  workspaceId: WS,
  idempotencyKey: key,
  category: 'marketing',
  from: 'news@acme.test',
  to: 'ada@example.com',
  contactId: 'c-ada',
  campaignId: 'camp-1',
  nodeId: 'mail',
  content: { subject: 'Offer', html: '<p>Buy</p>' },
  context: { contact: { email: 'ada@example.com' }, workspace: { name: 'Acme' } },
});

describe("the sender's last look at a campaign mail's run", () => {
  it('sends the mail of a run still going, or one that ended on its own (completed after the mail)', async () => {
    for (const record of [{ run: 2 }, { run: 2, exitReason: 'completed' as const }, { run: 3 }]) {
      const w = world(record);
      expect((await sendEmail(send(), w.deps)).status).toBe('sent');
      expect(w.outbox).toHaveLength(1);
    }
  });

  it('closes the mail of a run a person exited, or that the archive ended', async () => {
    for (const exitReason of ['manual', 'archived'] as const) {
      const w = world({ run: 2, exitReason });
      const outcome = await sendEmail(send(), w.deps);
      expect(outcome).toMatchObject({ status: 'not-sent' });
      expect(outcome.status === 'not-sent' && outcome.reason).toMatch(/^campaign run stopped/);
      expect(w.outbox).toEqual([]);
      // Closed for good: a redelivery finds it closed.
      expect(await sendEmail(send(), w.deps)).toMatchObject({ status: 'not-sent' });
    }
  });

  it('closes the mail of an exited run after the contact re-entered (a later run took the record)', async () => {
    const exited = { run: 2, exitReason: 'manual', halted: undefined } as unknown as EnrolmentState;
    const w = world({ run: 3, ...(haltedAfter(exited) ? { halted: haltedAfter(exited) } : {}) });
    expect(await sendEmail(send(), w.deps)).toMatchObject({ status: 'not-sent' });
    expect(w.outbox).toEqual([]);
  });

  it('closes every mail of an archived campaign; a paused one gives it back until the resume', async () => {
    const archived = world({ run: 2 }, 'archived');
    expect(await sendEmail(send(), archived.deps)).toMatchObject({ status: 'not-sent' });
    const paused = world({ run: 2 }, 'paused');
    expect(await sendEmail(send(), paused.deps)).toMatchObject({
      status: 'retry',
      retryAfterMs: PAUSED_CAMPAIGN_RETRY_MS,
    });
    expect(paused.outbox).toEqual([]);
  });

  it("a notify-user action's notification (keyed like a node) is fenced too; other mail is not asked about", async () => {
    expect(campaignRunOf('campaign#camp-1#c-ada#4#notify#7')).toEqual({
      campaignId: 'camp-1',
      contactId: 'c-ada',
      run: 4,
    });
    const w = world({ run: 2, exitReason: 'manual' });
    const oneOff = { ...send('api#ws-1#abc'), campaignId: undefined, nodeId: undefined } as SendRequest;
    expect((await sendEmail(oneOff, w.deps)).status).toBe('sent');
    expect(w.asked).toEqual([]);
  });
});
