/**
 * A bulk launch's audience pages (`enrolAudiencePage`, as the launch state machine runs them) over
 * a test file's core table: a fresh workspace of vip-tagged leads, the deps a page runs with (the
 * queue is the test's), its first page, and the run of the pages after it until the launch is done.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { contactAudience } from '../../shared/adapters/dynamo-campaigns';
import { dynamoContacts } from '../../shared/adapters/dynamo-contacts';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { contactSk, workspacePk } from '../../shared/adapters/keys';
import { enrolAudiencePage } from '../../shared/campaigns/enrol-audience-page';
import type { AudiencePage, DripStepMessage } from '../../shared/campaigns/messages';
import type { Contact } from '../../shared/crm/model';

/** When the contacts were created, and the launches' clock unless a test moves it. */
export const LAUNCH_AT = '2026-03-01T10:00:00.000Z';

/** A vip-tagged lead of `workspaceId` (`n` in its id and address). */
export const vipContact = (workspaceId: string, n: number): Contact => ({
  contactId: `c${n}-${randomUUID().slice(0, 6)}`,
  workspaceId,
  email: `c${n}-${randomUUID().slice(0, 6)}@example.com`,
  status: 'lead',
  tags: ['vip'],
  customFields: {},
  score: 10,
  tier: 'cold',
  createdAt: LAUNCH_AT,
  updatedAt: LAUNCH_AT,
});

/**
 * `count` vip contacts (`people`, in order) in a fresh workspace, and the deps a launch page of
 * the workspace runs with: no suppressions, the launches and contacts of `core`, `queue` and `now`.
 */
export async function vipAudience(
  db: DynamoDBDocumentClient,
  core: string,
  count: number,
  {
    sendAll,
    now = () => new Date(LAUNCH_AT),
  }: { sendAll: (m: readonly DripStepMessage[]) => Promise<void>; now?: () => Date },
) {
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  const contacts = dynamoContacts(db, core);
  const people = Array.from({ length: count }, (_, i) => vipContact(workspaceId, i + 1));
  for (const p of people) await contacts.create(p);
  const launches = dynamoLaunches(db, core);
  const deps = {
    audience: contactAudience(contacts),
    queue: { sendAll },
    suppressions: { reasonsFor: async () => [] },
    launches,
    contacts,
    now,
  };
  return { workspaceId, contacts, people, launches, deps };
}

/** The first page of launch `launchId` of campaign `camp-1`: the vip contacts, `pageSize` a page. */
export const firstPage = (workspaceId: string, launchId: string, pageSize: number): AudiencePage =>
  ({
    workspaceId,
    campaignId: 'camp-1',
    launchId,
    filter: { tag: 'vip' },
    enrolled: 0,
    pageSize,
  }) as AudiencePage;

/** Runs `page` (a retry, a resume), then the pages after it, until done: ten pages at the most. */
export async function enrolUntilDone(page: AudiencePage, deps: Parameters<typeof enrolAudiencePage>[1]): Promise<void> {
  let input = page;
  for (let n = 0; n < 10; n++) {
    const out = await enrolAudiencePage(input, deps);
    if (out.done) break;
    input = out as AudiencePage;
  }
}

/** Sets `attribute` of the stored contact to `value` (a person's change, as the table holds it). */
export async function setOnContact(
  db: DynamoDBDocumentClient,
  core: string,
  workspaceId: string,
  contactId: string,
  attribute: string,
  value: unknown,
): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: core,
      Key: { pk: workspacePk(workspaceId), sk: contactSk(contactId) },
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': attribute },
      ExpressionAttributeValues: { ':v': value },
    }),
  );
}
