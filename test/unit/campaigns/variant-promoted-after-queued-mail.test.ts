/**
 * Regression (review 7, email/A-B): a subject-line winner promoted between a campaign step's first
 * attempt and its retry split one email across two variants. The first attempt queued the mail
 * with variant 0's subject (and `ab.variant: 0` sealed in its tracking links) and then failed to
 * write the enrolment (a throttled or timed-out DynamoDB write; the step was redelivered). The
 * retry re-ran the email node with the same ledger key: the ledger mailed the first copy only,
 * but the enrolment recorded arm "1" and counted `variant:<node>:1` sent. The stats then showed a
 * send for variant 1 that never went out, and variant 0's opens (armopen:<node>:0) with no send.
 * Why: subjectVariant (shared/campaigns/execute-node.ts) picked the promoted variant for any
 * state without `arms[node]`, and the variant actually queued was not pinned before the send:
 * the key was the same, the content and attribution were not.
 *
 * Fixed: the variant is recorded (`arms[node]`) in the step's write-before-acting checkpoint
 * before the mailer is called (execute-node.ts `unrecordedChoice`, run-step.ts). The write that
 * fails is now the one after the queued mail (the checkpoint before it has landed), and the
 * redelivery, with the same SQS message id, sets the checkpoint's timer again; that step goes on
 * from the email node with the recorded variant. Should the checkpoint itself fail, no mail was
 * queued, and the retry's own choice (the promoted line) is both mailed and recorded.
 */
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { subjectLineId, variantFor } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const SUBJECTS = ['Hello', 'Hi there'];
/** The line ids the counters and the recorded arm are keyed by (split.ts `subjectLineId`). */
const LINE = SUBJECTS.map(subjectLineId);
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: SUBJECTS, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const contactId = Array.from({ length: 50 }, (_, i) => `p${i}`).find(
  (c) => variantFor(SUBJECTS.length, CAMPAIGN, 'mail', c) === 0,
) as string;
const message = { workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' };

/** The first enrolment write for which `when` holds throws, as a throttled DynamoDB write would. */
const failingSaveOnce = (w: World, when: () => boolean) => {
  const save = w.deps.enrolments.save;
  let failOnce = true;
  (w.deps.enrolments as { save: typeof save }).save = async (...args) => {
    if (failOnce && when()) {
      failOnce = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return save(...args);
  };
};

const promoteVariant1 = (w: World) => {
  (w.published.rules as { promotions?: unknown }).promotions = {
    mail: { variant: 1, subject: 'Hi there', by: 'user:u1', at: new Date(w.now()).toISOString() },
  };
};

describe('a promotion between a step that queued a mail and its retry', () => {
  it('records and counts the variant that was actually mailed', async () => {
    const w = campaignWorld(JOURNEY);
    w.addContact(contactId);
    // The first attempt queues the mail, then its enrolment write fails (the message comes back).
    failingSaveOnce(w, () => w.sends.size > 0);
    await expect(enrolContact(message, w.deps, 'sqs-1')).rejects.toThrow('ProvisionedThroughputExceeded');
    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello']);

    // Meanwhile variant 1 is promoted (by a person or the automatic verdict).
    promoteVariant1(w);
    // The redelivery (same message id) finds its checkpoint and sets its timer again; the step runs.
    expect(await enrolContact(message, w.deps, 'sqs-1')).toMatchObject({ status: 'stale' });
    expect(await w.advanceTo(w.now())).toEqual([{ status: 'ended', reason: 'completed' }]);

    const mailed = [...w.sends.values()];
    expect(mailed.map((s) => s.subject)).toEqual(['Hello']); // one mail (one ledger key), variant 0
    expect(mailed.map((s) => s.ab?.variant)).toEqual([0]);
    const enrolment = w.enrolments.get(`${CAMPAIGN}#${contactId}`);
    const counters = Object.fromEntries(w.counters);
    // What the campaign says about that mail must be what was mailed.
    expect(enrolment?.arms.mail).toBe(LINE[0]);
    expect(counters[`variant:mail:${LINE[0]}`] ?? 0).toBe(1);
    expect(counters[`variant:mail:${LINE[1]}`] ?? 0).toBe(0);
    expect(counters).toMatchObject({ entered: 1, sent: 1, completed: 1, waiting: 0 });
  });

  it('mails and records the same variant when the checkpoint before the mail is what failed', async () => {
    const w = campaignWorld(JOURNEY);
    w.addContact(contactId);
    failingSaveOnce(w, () => true);
    await expect(enrolContact(message, w.deps, 'sqs-1')).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(w.sends.size).toBe(0); // nothing acted before its choice was written
    promoteVariant1(w);
    expect(await enrolContact(message, w.deps, 'sqs-1')).toEqual({ status: 'ended', reason: 'completed' });

    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hi there']);
    expect(w.enrolments.get(`${CAMPAIGN}#${contactId}`)?.arms.mail).toBe(LINE[1]);
    const counters = Object.fromEntries(w.counters);
    expect({ v0: counters[`variant:mail:${LINE[0]}`] ?? 0, v1: counters[`variant:mail:${LINE[1]}`] ?? 0 }).toEqual({
      v0: 0,
      v1: 1,
    });
  });
});
