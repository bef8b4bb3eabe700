/**
 * Regression (review): the (event, campaign) record is written after the enrolment (b20bee0). When that write
 * fails (or the worker dies between the two), the doc says the copy that comes back "meets the
 * enrolment's own check (the launch id ... of the current run)". That check only knows the LAST
 * run: if another event enrolled the contact again in between (re-entry `always`, an interaction
 * trigger firing on every page visit), the redelivered event starts a third run: a second mail.
 */
import { describe, expect, it } from 'vitest';
import { dripStepMessage, type EnrolMessage } from '../../../shared/campaigns/messages';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { CAMPAIGN, campaignWorld, WS } from './campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', on: { type: 'interaction', interaction: 'page_visit' }, next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

const visit = (eventId: string) => {
  const m = dripStepMessage.parse({
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': 'contact.interaction_recorded',
    source: 'unite-hub',
    detail: { workspaceId: WS, contactId: 'p1', interactionType: 'page_visit', eventId },
  });
  if (m.kind !== 'domain-event') throw new Error('expected a domain event');
  return m.event;
};

describe('a trigger event whose record write failed after its enrolment', () => {
  it('enrols nobody twice for the same event id, also after a later run (docs/CAMPAIGNS.md "Index")', async () => {
    const w = campaignWorld(JOURNEY, { reentry: { mode: 'always' } });
    w.addContact('p1');
    const claims = new Set<string>();
    let failNextClaim = true;
    const index: CampaignTriggerIndex = {
      set: async () => undefined,
      find: async () => [CAMPAIGN],
      claimed: async (_ws, e, who, c) => claims.has(`${e}#${who}#${c}`),
      claim: async (_ws, e, who, c) => {
        if (failNextClaim) {
          failNextClaim = false;
          throw new Error('ProvisionedThroughputExceeded'); // or the worker dies here
        }
        claims.add(`${e}#${who}#${c}`);
        return true;
      },
      setSchedule: async () => undefined,
      pendingSlot: async () => undefined,
      scheduleNext: async () => undefined,
    };
    const deps = { index, versions: w.deps.versions, enrol: (m: EnrolMessage) => enrolContact(m, w.deps) };

    // Visit 1: enrolled (run 1 mails and completes), then the record write fails: the message comes back later.
    await expect(triggerFromEvent(visit('interaction-1'), deps)).rejects.toThrow();
    // Meanwhile visit 2 (another page) enrols run 2 (re-entry always), recorded fine.
    await triggerFromEvent(visit('interaction-2'), deps);
    // Visit 1's message is delivered again (SQS visibility timeout).
    await triggerFromEvent(visit('interaction-1'), deps);

    const mails = [...w.sends.values()].filter((s) => s.contactId === 'p1');
    // Two events -> two runs, two mails. Anything more is event 1 enrolling twice.
    expect({ runs: w.enrolments.get(`${CAMPAIGN}#p1`)?.run, mails: mails.length }).toEqual({ runs: 2, mails: 2 });
  });
});
