/**
 * Review round 24 (d), the class of the late enrol message: an enrolment keeps the launch ids of
 * its last 10 runs (`launches`) and claims each id as it leaves that list (run-step.ts
 * `enrolContact`, `EnrolmentStates.claimLaunches`), so an enrol message of any launch that ever
 * started a run is no re-entry, however many runs followed: a hook retried after its key's day
 * (r24d-hook-retry-after-ten-runs.test.ts), a failed launch resumed after the contact's next runs
 * (its page replays the contacts it had queued), a late redelivery. A contact with fewer runs
 * costs neither a claim write nor a claim read.
 */
import { describe, expect, it } from 'vitest';
import { RECENT_LAUNCHES } from '../../../shared/campaigns/enrolment';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const enrol = (launchId: string, deps: StepDeps) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId }, deps);

/** A world under re-entry `always` whose launch claims are counted. */
function world() {
  const w = campaignWorld(JOURNEY, { reentry: { mode: 'always' } });
  w.addContact('c1');
  const io = { claims: [] as string[], reads: 0 };
  const deps: StepDeps = {
    ...w.deps,
    enrolments: {
      ...w.deps.enrolments,
      claimLaunches: async (...args) => {
        io.claims.push(...args[3]);
        return w.deps.enrolments.claimLaunches(...args);
      },
      launchClaimed: async (...args) => {
        io.reads += 1;
        return w.deps.enrolments.launchClaimed(...args);
      },
    },
  };
  return { w, io, deps };
}

describe('an enrol message of a launch that started a run long ago', () => {
  it('enrols nobody when a failed launch is resumed after the contact ran 10 more times', async () => {
    // Prepare: a launch enrols c1 (and fails on a later page); ten scheduled launches follow.
    const { w, deps } = world();
    expect(await enrol('launch-failed', deps)).toMatchObject({ status: 'ended' });
    for (let n = 1; n <= RECENT_LAUNCHES; n++) {
      expect(await enrol(`slot-${n}`, deps)).toMatchObject({ status: 'ended' });
    }
    expect(w.sends.size).toBe(RECENT_LAUNCHES + 1);

    // Act: the resume replays the page that had queued c1.
    const replayed = await enrol('launch-failed', deps);

    // Assess: no twelfth run, no twelfth mail; a new launch still enrols.
    expect(replayed).toEqual({ status: 'not-enrolled', why: 'this launch enrolled it already' });
    expect(w.sends.size).toBe(RECENT_LAUNCHES + 1);
    expect(await enrol('slot-next', deps)).toMatchObject({ status: 'ended' });
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.run).toBe(RECENT_LAUNCHES + 2);
  });

  it('knows every launch of 30 runs, each claimed once as it left the recent list', async () => {
    // Prepare: 30 runs of 30 launches.
    const { w, io, deps } = world();
    const launches = Array.from({ length: 30 }, (_, n) => `launch-${n + 1}`);
    for (const id of launches) expect(await enrol(id, deps)).toMatchObject({ status: 'ended' });

    // Act: a late copy of each.
    const outcomes = [];
    for (const id of launches) outcomes.push((await enrol(id, deps)).status);

    // Assess: none is a re-entry; the 20 oldest were claimed, once each, in the order they left.
    expect(new Set(outcomes)).toEqual(new Set(['not-enrolled']));
    expect(w.sends.size).toBe(30);
    expect(io.claims).toEqual(launches.slice(0, 30 - RECENT_LAUNCHES));
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.launches).toEqual(launches.slice(-RECENT_LAUNCHES));
  });

  it('costs no claim write or read until a run pushes an id out of the list', async () => {
    // Prepare, act: 10 runs, and a copy of each run's message.
    const { io, deps } = world();
    for (let n = 1; n <= RECENT_LAUNCHES; n++) await enrol(`launch-${n}`, deps);
    for (let n = 1; n <= RECENT_LAUNCHES; n++) await enrol(`launch-${n}`, deps);
    // Assess: nothing claimed, nothing read.
    expect(io).toEqual({ claims: [], reads: 0 });

    // Act: the 11th run pushes the first launch out; a copy of one still listed reads nothing.
    await enrol('launch-11', deps);
    await enrol('launch-11', deps);
    expect(io).toEqual({ claims: ['launch-1'], reads: 0 });
    // A new launch of a contact past 10 runs reads the claims once (it may have been pushed out).
    await enrol('launch-12', deps);
    expect(io).toEqual({ claims: ['launch-1', 'launch-2'], reads: 1 });
  });

  it('claims the id before the save that drops it: a save that fails still leaves it known', async () => {
    // Prepare: 10 runs; the 11th run's save fails (an outage) after its claim.
    const { w, deps } = world();
    for (let n = 1; n <= RECENT_LAUNCHES; n++) await enrol(`launch-${n}`, deps);
    const failing: StepDeps = {
      ...deps,
      enrolments: {
        ...deps.enrolments,
        save: async () => {
          throw new Error('DynamoDB is down');
        },
      },
    };
    await expect(enrol('launch-11', failing)).rejects.toThrow('DynamoDB is down');

    // Act: the 11th message comes back and runs; then a late copy of the first launch.
    expect(await enrol('launch-11', deps)).toMatchObject({ status: 'ended' });
    const late = await enrol('launch-1', deps);

    // Assess: the first launch is known, claimed by the try whose save failed.
    expect(late.status).toBe('not-enrolled');
    expect(w.sends.size).toBe(RECENT_LAUNCHES + 1);
  });
});
