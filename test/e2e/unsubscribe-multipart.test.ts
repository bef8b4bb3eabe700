/**
 * RFC 8058 one-click unsubscribes in the encodings a mailbox provider may use, through the whole
 * local runtime (the edge, the local host's base64 body, the emails function): the RFC says the
 * POST SHOULD be multipart/form-data, and POST /u/{token} once answered that with 415, so the
 * reader kept getting mail. Now a multipart one-click, and a body of a type the route does not
 * read (`text/plain`), each answer 200 and close the next marketing send `suppressed: unsubscribe`.
 * The urlencoded one-click is test/e2e/unsubscribe.test.ts. One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import type { Runtime } from '../../lib/local/runtime';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import { outbox } from '../support/accounts';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'multipart-unsubscriber');
  raw = new DynamoDBClient(localClientConfig(runtime.endpoints.dynamodb));
  db = DynamoDBDocumentClient.from(raw);
}, 60_000);
afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

type Header = { name?: string; key?: string; value: string };
const send = (body: unknown, key: string) =>
  fetch(`${runtime.url}/api/emails/send`, {
    method: 'POST',
    headers: as(owner, { 'idempotency-key': key }),
    body: JSON.stringify(body),
  });
const unsubscribeLinkOf = async (to: string) => {
  const mail = (await eventually(async () =>
    (await outbox(runtime)).find((m) => m.destination.to.includes(to)),
  )) as unknown as { headers?: Header[] };
  const header = mail.headers?.find((h) => (h.name ?? h.key ?? '').toLowerCase() === 'list-unsubscribe')?.value;
  return /^<([^>]+)>/.exec(header ?? '')?.[1] as string;
};
const closedReason = (key: string) =>
  eventually(async () => {
    const item = (
      await db.send(
        new GetCommand({
          TableName: runtime.tables.core as string,
          Key: { pk: workspacePk(owner.workspaceId), sk: emailSendSk(key) },
        }),
      )
    ).Item;
    return item?.state === 'closed' ? (item.reason as string) : undefined;
  });

describe('one-click unsubscribe in any encoding (RFC 8058)', () => {
  it.each([
    [
      'multipart/form-data (the RFC’s SHOULD)',
      () => {
        const form = new FormData();
        form.append('List-Unsubscribe', 'One-Click');
        return { body: form };
      },
    ],
    [
      'text/plain (a type the route does not read)',
      () => ({
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'text/plain' },
      }),
    ],
  ])(
    'honours a one-click POST sent as %s',
    async (label, request) => {
      const to = `mp-${randomUUID().slice(0, 8)}@example.com`;
      const key = label.split(' ')[0]?.replace(/\W/g, '-') ?? 'x';
      const marketing = { to, subject: 'News', html: '<p>News</p>', category: 'marketing' };
      expect((await send(marketing, `${key}-1`)).status).toBe(202);
      const link = await unsubscribeLinkOf(to);

      const click = await fetch(link, { method: 'POST', ...request() });
      expect(click.status).toBe(200);
      expect(await json(click)).toEqual({ unsubscribed: true });

      expect((await send({ ...marketing, subject: 'More news' }, `${key}-2`)).status).toBe(202);
      expect(await closedReason(`api#client#${key}-2`)).toBe('suppressed: unsubscribe');
    },
    60_000,
  );
});
