// Review round 24: this test failed at 137ce95.
// Review round 24 (d): an enrolment remembers the launch ids of its last 10 runs only
// (RECENT_LAUNCHES, enrolment.ts), and that list is the one guard against a late copy of an enrol
// message under re-entry `always`. docs/CAMPAIGNS.md ("Webhook") promises that a hook sender
// retrying with the same Idempotency-Key after the key's day "enrols the contact once, even after
// that run ended under re-entry always (the enrolment keeps its recent launch ids)". A contact who
// submitted the form 11 times (11 keys, 11 runs) is enrolled, and mailed, a second time by the
// sender's late retry of its first submission. The same holds for a launch resumed after the
// contact's 10 next runs (its failed page replays the contacts it had queued).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

/** The launch id the hook derives from its Idempotency-Key (campaign-webhook.ts). */
const hookLaunch = (key: string) =>
  `hook-${createHash('sha256').update(`${WS}\u0000${CAMPAIGN}\u0000${key}`).digest('hex').slice(0, 32)}`;

describe('a hook call retried with its key after the key expired', () => {
  it('enrols the contact once, however many runs it made since', async () => {
    // Prepare: re-entry always; the contact submits the form 11 times, each with its own key:
    // 11 runs, 11 mails.
    const w = campaignWorld(JOURNEY, { reentry: { mode: 'always' } });
    w.addContact('c1');
    for (let n = 1; n <= 11; n++) {
      const outcome = await enrolContact(
        { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: hookLaunch(`form-${n}`) },
        w.deps,
      );
      expect(outcome).toMatchObject({ status: 'ended', reason: 'completed' });
    }
    expect(w.sends.size).toBe(11);

    // Act: the sender retries its first submission (its 202 was lost) after the key's day.
    const retried = await enrolContact(
      { workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: hookLaunch('form-1') },
      w.deps,
    );

    // Assess: the first submission's run is not started again, no twelfth mail.
    expect(retried.status, `the retried first submission started run ${w.enrolments.get(`${CAMPAIGN}#c1`)?.run}`).toBe(
      'not-enrolled',
    );
    expect(w.sends.size, 'mails sent for 11 submissions').toBe(11);
  });
});
