/**
 * Regression (review): one domain event enrols its contact into every matching campaign, in one
 * SQS message. A campaign whose enrolment failed every time (its first email's template deleted)
 * aborted the loop: the campaigns after it never enrolled the contact, and after 5 receives the
 * event went to the DLQ. Each campaign is tried on its own now; those done are claimed, and the
 * failures are thrown together at the end, so the retry enrols only into the failed ones.
 */
import { describe, expect, it } from 'vitest';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { type DomainEventEnvelope, dripStepMessage, type EnrolMessage } from '../../../shared/campaigns/messages';
import { TriggerEnrolmentsFailed, triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';

const WS = 'ws1';
const JOURNEY = journeySchema.parse({
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'tag-added', tag: 'trial' }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

const trialTagged = (): DomainEventEnvelope => {
  const m = dripStepMessage.parse({
    version: '0',
    id: 'eb-1',
    'detail-type': 'contact.tag_added',
    source: 'unite-hub',
    detail: { workspaceId: WS, contactId: 'p1', tag: 'trial', eventId: 'e1' },
  });
  if (m.kind !== 'domain-event') throw new Error('expected a domain event');
  return m.event;
};

/** Three campaigns on the same trigger; `broken` holds those whose enrolment (or claim) fails. */
function world(broken: { enrol: Set<string>; claim: Set<string> }) {
  const claims = new Set<string>();
  const calls: string[] = [];
  const index: CampaignTriggerIndex = {
    set: async () => undefined,
    find: async () => ['first', 'broken', 'last'],
    claimed: async (_ws, e, who, c) => claims.has(`${e}#${who}#${c}`),
    claim: async (_ws, e, who, c) => {
      if (broken.claim.has(c)) throw new Error('ProvisionedThroughputExceeded');
      claims.add(`${e}#${who}#${c}`);
      return true;
    },
    setSchedule: async () => undefined,
    pendingSlot: async () => undefined,
    scheduleNext: async () => undefined,
  };
  const published = (campaignId: string) =>
    ({
      workspaceId: WS,
      campaignId,
      version: 1,
      journey: JOURNEY,
      rules: { timeZone: 'UTC', reentry: { mode: 'never' } },
    }) as PublishedVersion;
  const deps = {
    index,
    versions: { load: async (_ws: string, c: string) => ({ status: 'active' as const, published: published(c) }) },
    enrol: async (m: EnrolMessage) => {
      calls.push(m.campaignId);
      // An AppError in production (the template is gone): the same on every receive.
      if (broken.enrol.has(m.campaignId)) throw new Error('Template "t1" not found');
    },
  };
  return { deps, calls, claims };
}

describe('an event matching several campaigns, one of them broken', () => {
  it('enrols into the others, claims them, and fails the message for the broken one only', async () => {
    const broken = { enrol: new Set(['broken']), claim: new Set<string>() };
    const { deps, calls, claims } = world(broken);

    const error = await triggerFromEvent(trialTagged(), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriggerEnrolmentsFailed);
    expect((error as TriggerEnrolmentsFailed).failed).toEqual(['campaign broken']);
    expect((error as Error).message).toContain('Template "t1" not found');
    expect(calls).toEqual(['first', 'broken', 'last']);
    expect([...claims].sort()).toEqual(['e1#p1#first', 'e1#p1#last']);

    // The message's next receives (then the DLQ) try the broken campaign only.
    for (let receive = 2; receive <= 5; receive += 1) {
      await expect(triggerFromEvent(trialTagged(), deps)).rejects.toThrow(TriggerEnrolmentsFailed);
    }
    expect(calls.filter((c) => c !== 'broken')).toEqual(['first', 'last']);

    // Fixed (the template is back), a redrive enrols it and nothing else.
    broken.enrol.clear();
    expect(await triggerFromEvent(trialTagged(), deps)).toEqual({
      matched: 3,
      enrolled: 1,
      replayed: 2,
      selfTriggered: 0,
    });
    expect(calls.filter((c) => c !== 'broken')).toEqual(['first', 'last']);
  });

  it('a claim that cannot be written fails that campaign alone, the others go on', async () => {
    const { deps, calls, claims } = world({ enrol: new Set(), claim: new Set(['first']) });
    await expect(triggerFromEvent(trialTagged(), deps)).rejects.toThrow(/campaign first/);
    expect(calls).toEqual(['first', 'broken', 'last']);
    expect([...claims].sort()).toEqual(['e1#p1#broken', 'e1#p1#last']);
  });
});
