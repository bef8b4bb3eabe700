/**
 * Review round 12: this test failed at eab1d13 (a form inside a 7-day window behind 501 later page visits took the timeout branch).
 *
 * Review 12 (campaign engine): a window judged at its deadline must see what happened inside it,
 * however much the contact did afterwards.
 *
 * SEVERITY: MEDIUM (wrong branch / lost conversion).
 * AT FAULT: shared/adapters/dynamo-campaign-contacts.ts `dynamoCampaignContacts().timelineSince`:
 *   one Query, newest first, `Limit: TIMELINE_LIMIT` (500) and no paging. The step runner asks for
 *   everything since the enrolment entered (minus the look-back) and judges event waits, goals and
 *   the campaign goal "as at the deadline" (windows.ts) on what it gets; an engaged contact with
 *   more than 500 interactions after the window (page visits, other campaigns' sends/opens) loses
 *   the oldest ones, exactly those inside the window. docs/CAMPAIGNS.md "Windows": "A conversion
 *   inside the window that no step saw before the deadline still counts."
 * FIX: page the Query until `since` is reached (or read the window's range [since, deadline]
 *   explicitly, oldest first) instead of truncating to the newest 500.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoCampaignContacts } from '../../shared/adapters/dynamo-campaign-contacts';
import { dynamoInteractions } from '../../shared/adapters/dynamo-interactions';
import type { EnrolmentState } from '../../shared/campaigns/enrolment';
import type { StepDeps } from '../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../shared/campaigns/run-step';
import type { ContactStore } from '../../shared/crm/contacts/ports';
import type { InteractionType } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';
import { CAMPAIGN, campaignWorld, DAY, WS } from '../unit/campaigns/campaign-world';

const PREFIX = 'r12tl-';
const CORE = `${PREFIX}core`;

let db: DynamoDBDocumentClient;
dynamoForFile(PREFIX, (h) => {
  ({ db } = h);
});

/** Wait up to 7 days for a form; submitted -> `thanks`, timed out -> `nudge`. */
const WAIT_FOR_FORM = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    {
      id: 'wait',
      kind: 'wait',
      for: { type: 'event', interaction: 'form_submit', timeout: { days: 7 } },
      next: 'thanks',
      timeoutNext: 'nudge',
    },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'end' },
    { id: 'nudge', kind: 'email', templateId: 't-nudge', next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('review12: a window judged late sees the whole window', () => {
  it('takes the event branch for a form submitted inside the window, even after 500 later page visits', async () => {
    const w = campaignWorld(WAIT_FOR_FORM);
    // The real timeline read (DynamoDB), the rest of the world in memory; the workspace of the
    // world (WS) is unique to this file's tables.
    const real = dynamoCampaignContacts(db, CORE, {} as ContactStore);
    const deps: StepDeps = { ...w.deps, contacts: { ...w.deps.contacts, timelineSince: real.timelineSince } };
    const interactions = dynamoInteractions(db, CORE);
    const contactId = `c-${randomUUID().slice(0, 8)}`;
    // lastInteractionAt unknown: the step always reads the timeline.
    w.addContact(contactId, { lastInteractionAt: undefined });
    const record = async (type: InteractionType, atMs: number) => {
      await interactions.put({
        interactionId: randomUUID(),
        workspaceId: WS,
        contactId,
        type,
        occurredAt: new Date(atMs).toISOString(),
        metadata: {},
        source: 'test',
      });
    };

    const t0 = w.now();
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, deps);
    expect(w.enrolments.get(`${CAMPAIGN}#${contactId}`)).toMatchObject({ node: 'wait', status: 'waiting' });

    // Paused: no wake, no step runs (the timers that fire hold it).
    w.setStatus('paused');
    await record('form_submit', t0 + 1 * DAY); // inside the 7-day window
    // An engaged contact keeps browsing after the window closed.
    for (let i = 0; i < 501; i += 1) await record('page_visit', t0 + 8 * DAY + i * 60_000);
    for (const t of w.timers.splice(0)) await runStep(t.message, deps);
    const held = w.enrolments.get(`${CAMPAIGN}#${contactId}`) as EnrolmentState;
    expect(held.status).toBe('held');

    // Resumed ten days in: the wait is judged as at its deadline.
    await w.advanceTo(t0 + 10 * DAY);
    w.setStatus('active');
    await runStep(
      { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId, run: held.run, step: held.step },
      deps,
    );

    const mailed = [...w.sends.values()].filter((s) => s.contactId === contactId).map((s) => s.nodeId);
    // Fails today: ['nudge'] — the form_submit is the 501st newest interaction and is never read.
    expect(mailed).toEqual(['thanks']);
  });
});
