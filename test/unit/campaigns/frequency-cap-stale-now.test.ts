/**
 * Frequency cap across two capped campaigns: the cap lock is meant to make them take turns, so a
 * contact capped at 1 mail a day never gets 2. The step's `now` is read before the contact reads
 * and the lock; a send the other campaign logged after that instant (while this step was reading
 * the contact) is dated "in the future" and left out by nextAllowedSend, so both mails go.
 */
import { describe, expect, it } from 'vitest';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { campaignWorld, DAY, WS } from './campaign-world';

const journey = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { hours: 1 } }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};
const cap = { frequencyCap: { max: 1, per: 'day' as const } };

describe('frequency cap under the cap lock', () => {
  it('lets one mail a day through when two capped campaigns send to one contact a moment apart', async () => {
    // Campaign A (cmpA) and campaign B (cmpB) share one mailer, one send log, one lock and one clock.
    const a = campaignWorld(journey, cap);
    const b = campaignWorld(journey, cap);
    a.addContact('c1');
    b.addContact('c1');
    const shared = { mailer: a.deps.mailer, now: a.deps.now };
    const depsA: StepDeps = { ...a.deps, ...shared };
    await enrolContact({ workspaceId: WS, campaignId: 'cmpA', contactId: 'c1', launchId: 'la' }, depsA);
    await enrolContact(
      { workspaceId: WS, campaignId: 'cmpB', contactId: 'c1', launchId: 'lb' },
      { ...b.deps, ...shared },
    );
    const timerA = a.timers[0]?.message;
    const timerB = b.timers[0]?.message;
    if (!timerA || !timerB) throw new Error('no timers');
    // Both timers are due at the same moment.
    a.timers.length = 0;
    b.timers.length = 0;
    await a.advanceTo(a.now() + 3_600_000);
    // B's step starts (its `now` is read), then reads the contact; meanwhile A's step runs to the end,
    // 40 ms later, sending its mail under the lock and letting go of it.
    const depsB: StepDeps = {
      ...b.deps,
      ...shared,
      contacts: {
        ...b.deps.contacts,
        snapshot: async (ws, id) => {
          await a.advanceTo(a.now() + 40);
          await runStep(timerA, depsA);
          return b.deps.contacts.snapshot(ws, id);
        },
      },
    };
    await runStep(timerB, depsB);
    const mails = [...a.sends.values()].filter((s) => s.contactId === 'c1');
    // Capped at 1 a day: the second must be deferred, never sent within the day.
    expect(mails.map((m) => m.key)).toHaveLength(1);
    expect(mails.length).toBeLessThanOrEqual(1);
    void DAY;
  });
});
