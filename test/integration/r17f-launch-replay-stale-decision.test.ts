// Review round 17 (re-review): this test failed at 20c8653.
// Defect: a failed launch resumed later replays the decision its failed page recorded on its first
// try (contact ids, suppressed count) without looking at the contacts again. A contact who
// unsubscribed (or was suppressed) between the failure and the resume - which can be days: the
// marker is kept a week - is queued for enrolment anyway and counted `queued`, not `suppressed`.
// (The fixer found the enrolment itself safe: `advance` runs `exitBeforeNode`, the mailBlockFor rule,
// before any node, so such a contact is entered and exits `unsubscribed` at once, no action run;
// the counts and the launch's `entered` were wrong.) Before 2d592ec a resumed page read the page again and
// left such a contact out. Same for a contact deleted meanwhile: it is counted `queued` although
// the docs say a contact deleted before its enrolment "is left out and counted nowhere".
// Severity: MEDIUM (an unsubscribed contact counted as queued and entered by a marketing launch).
// Root cause: shared/campaigns/enrol-audience-page.ts `enrolAudiencePage` (a recorded, uncounted
// decision is replayed as is; only `decidePage` runs `leftOutOfMarketing`).
// Correct: a replay of a decision not yet counted re-checks each recorded contact (gone -> left out,
// blocked from marketing -> counted suppressed) and keeps only the recorded next cursor; or the
// enrolment of a launch message re-checks `leftOutOfMarketing` before it enrols.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../shared/campaigns/enrol-audience-page';
import type { AudiencePage, DripStepMessage } from '../../shared/campaigns/messages';
import { launchPayload, resumeLaunch } from '../../shared/campaigns/resume-launch';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';
import {
  LAUNCH_AT as at,
  enrolUntilDone,
  firstPage,
  setOnContact as setOn,
  vipAudience,
} from '../support/launch-pages';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r17f-lrsd-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

const setOnContact = (workspaceId: string, contactId: string, attribute: string, value: string) =>
  setOn(db, CORE, workspaceId, contactId, attribute, value);

/**
 * A one-page launch (three vip contacts) whose page fails on its first try: the queue is down, so
 * nothing was sent. The state machine's Catch records the failure; `between` then changes a
 * contact; the launch is resumed and its page runs again.
 */
async function failThenResume(between: (workspaceId: string, first: Contact) => Promise<void>) {
  const sent: DripStepMessage[] = [];
  let queueDown = true;
  const { workspaceId, people, launches, deps } = await vipAudience(db, CORE, 3, {
    sendAll: async (m) => {
      if (queueDown) throw Object.assign(new Error('queue unavailable'), { name: 'ServiceUnavailable' });
      sent.push(...m);
    },
  });
  const page = firstPage(workspaceId, 'launch-1', 10);
  await expect(enrolAudiencePage(page, deps as never)).rejects.toThrow(/queue unavailable/);
  // The Catch: the launch is failed, resumable from this page.
  await launches.fail(workspaceId, 'camp-1', 'launch-1', 'queue unavailable', at, {
    enrolled: 0,
    pageSize: 10,
    filter: { tag: 'vip' },
  });
  queueDown = false;

  const first = people[0] as Contact;
  await between(workspaceId, first);

  // The resume (days later): its execution's input, run as the state machine would.
  let payload: Record<string, unknown> | undefined;
  await resumeLaunch(
    { workspaceId, campaignId: 'camp-1', launchId: 'launch-1' },
    {
      launches,
      starter: {
        start: async (input) => {
          payload = launchPayload(input);
        },
      },
      now: () => new Date(at),
    },
  );
  await enrolUntilDone(payload as AudiencePage, deps);
  const queuedIds = sent.map((m) => (m as { contactId: string }).contactId);
  return { first, queuedIds, progress: await launches.get(workspaceId, 'launch-1') };
}

describe('a resumed launch page replays a stale decision', () => {
  it('a contact who unsubscribed between the failure and the resume is not enrolled, and counts as suppressed', async () => {
    const { first, queuedIds, progress } = await failThenResume((ws, c) =>
      setOnContact(ws, c.contactId, 'status', 'unsubscribed'),
    );
    expect(queuedIds, 'an unsubscribed contact is left out of a marketing launch').not.toContain(first.contactId);
    expect(progress).toMatchObject({ status: 'done', queued: 2, suppressed: 1 });
  });

  it('a contact deleted between the failure and the resume is counted nowhere', async () => {
    const { progress } = await failThenResume((ws, c) =>
      setOnContact(ws, c.contactId, 'deletedAt', '2026-03-02T00:00:00.000Z'),
    );
    expect(progress).toMatchObject({ status: 'done', queued: 2, suppressed: 0 });
  });
});
