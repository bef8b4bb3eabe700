/**
 * A contact whose address the sender could never take (a message that fails the send queue's
 * own check, UnqueueableSendError) ends its enrolment as failed at once, with the reason: before,
 * the step threw, was retried with the queue's backoff five times and only then failed, though no
 * retry could change the address.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { UnqueueableSendError } from '../../../shared/email/send-request';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('an address the sender can never take', () => {
  it('fails the enrolment at the email, with the reason, without a retry', async () => {
    const w = campaignWorld(JOURNEY);
    w.addContact('a');
    let calls = 0;
    w.deps.mailer.send = async () => {
      calls += 1;
      throw new UnqueueableSendError('to: Not a valid email address');
    };
    await enrolContact(
      { kind: 'enrol', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'a', launchId: 'l1' },
      w.deps,
    );
    expect(w.enrolments.get(`${CAMPAIGN}#a`)).toMatchObject({
      status: 'failed',
      failure: expect.stringContaining('Not a valid email address'),
    });
    expect(calls).toBe(1);
  });
});
