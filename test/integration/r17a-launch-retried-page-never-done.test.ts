/**
 * Review round 17 (r17a), suspicion 1: a bulk launch whose page answer is lost.
 *
 * Defect: a launch reads `running` for good although its execution has ended successfully. A page
 * whose work landed (messages queued, its page marker and counts written) but whose answer was
 * lost (a Lambda timeout right after the write, `Lambda.ServiceException`, a runtime crash) is
 * retried by the state machine with the same input. When the audience changed in between so that
 * the retry now finds no next page (a contact after the page deleted, untagged, ...), the retry
 * returns `done: true` and the execution ends in `Launched` (SUCCEEDED), but the `done` status is
 * written only in the same transaction as the page marker, which already exists: the transaction is
 * refused and nothing marks the launch done. `GET .../launches/{id}` then asks the execution after
 * 10 minutes of silence, sees SUCCEEDED and keeps the record `running`: the launch never finishes
 * nor fails visibly, and a person cannot resume it (409 LAUNCH_NOT_FAILED).
 *
 * Severity: MEDIUM (progress wrong for good; an operator waits forever on a launch that ended).
 * Root cause: shared/adapters/dynamo-launches.ts `addPage` (the `done` SET is tied to the page
 * marker's create: a retried page that finishes the launch writes nothing) and
 * shared/campaigns/resume-launch.ts `readLaunch` (an execution that SUCCEEDED leaves a `running`
 * record as it is).
 * Correct behaviour: a page that returns `done` always leaves the launch `done` (mark it done in a
 * separate conditional update when the marker already exists), and `readLaunch` finishing a silent
 * `running` launch whose execution succeeded.
 *
 * Second, related defect (LOW): the same retried page can end at another cursor than its first
 * try (a contact of the page left the filter meanwhile); its contacts are queued again but the
 * page counts nothing (its marker), so the contact that slid into the page is queued and enrolled
 * yet never counted: `queued` ends below the contacts the launch queued, though the docs promise
 * "`queued` exact". Root cause: the same `addPage` (the marker is keyed by the page's start
 * cursor, the count is the first try's). Fix: key the marker by (cursor, next cursor), or return
 * the first try's result (cursor and count) to a retry instead of reading the page again.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { enrolAudiencePage } from '../../shared/campaigns/enrol-audience-page';
import type { AudiencePage, DripStepMessage } from '../../shared/campaigns/messages';
import { readLaunch } from '../../shared/campaigns/resume-launch';
import type { Contact } from '../../shared/crm/model';
import { dynamoForFile } from '../support/dynamo-emulator';
import { LAUNCH_AT as at, enrolUntilDone, firstPage, setOnContact, vipAudience } from '../support/launch-pages';

let db: DynamoDBDocumentClient;
let CORE: string;
dynamoForFile('r17a-launch-done-', (h) => {
  db = h.db;
  CORE = h.table('core');
});

describe('a launch page retried after its answer was lost', () => {
  it('the launch ends done when the retried page is the last one (not running for good)', async () => {
    const sent: DripStepMessage[] = [];
    let clock = new Date(at);
    const { workspaceId, contacts, people, launches, deps } = await vipAudience(db, CORE, 3, {
      sendAll: async (m) => void sent.push(...m),
      now: () => clock,
    });
    const first = firstPage(workspaceId, 'launch-1', 2);

    // Page 1 runs: 2 contacts queued, a next page exists (the third contact). Its answer is lost.
    const lost = await enrolAudiencePage(first, deps as never);
    expect(lost.done).toBe(false);

    // Before the state machine's retry (2 s later), the third contact is deleted.
    await contacts.setDeleted(workspaceId, (people[2] as Contact).contactId, at, at);

    // The retry of the same page replays its first try (the same contacts, the same next page:
    // adjusted by the fixer, it read the audience again and returned done); the next page is now
    // the last one, and the execution ends (SUCCEEDED).
    const retried = await enrolAudiencePage(first, deps as never);
    expect(retried).toMatchObject({ done: false, cursor: lost.cursor, enrolled: 2 });
    const last = await enrolAudiencePage(retried as AudiencePage, deps as never);
    expect(last.done).toBe(true);

    // A person follows the launch; 11 minutes later the progress route asks the execution.
    clock = new Date(Date.parse(at) + 11 * 60_000);
    const progress = await readLaunch(
      { workspaceId, campaignId: 'camp-1', launchId: 'launch-1' },
      { launches, executions: { outcome: async () => ({ status: 'succeeded' }) as never }, now: () => clock },
    );
    expect(progress.queued).toBe(2);
    expect(progress.status, 'the execution SUCCEEDED, yet the launch record still reads running').toBe('done');
  });

  it('counts every contact it queued when the retried page ends at another cursor', async () => {
    const sent: DripStepMessage[] = [];
    const { workspaceId, people, deps } = await vipAudience(db, CORE, 4, {
      sendAll: async (m) => void sent.push(...m),
    });
    const first = firstPage(workspaceId, 'launch-2', 2);
    // First try of page 1: c1, c2 queued and counted; its answer is lost.
    await enrolAudiencePage(first, deps as never);
    // A person removes the tag of c1 before the retry (its enrol message is already queued).
    await setOnContact(db, CORE, workspaceId, (people[0] as Contact).contactId, 'tags', []);
    // The state machine's retry of page 1, then the pages after it, until done.
    await enrolUntilDone(first, deps);
    const queuedContacts = new Set(sent.map((m) => (m as { contactId: string }).contactId));
    expect(queuedContacts.size).toBe(4);
    const progress = await deps.launches.get(workspaceId, 'launch-2');
    expect(progress?.status).toBe('done');
    expect(progress?.queued, 'a contact was queued (and will be enrolled) but never counted').toBe(queuedContacts.size);
  });
});
