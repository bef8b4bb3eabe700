/**
 * Review round 25 (g), the rest of the sweep of shared/adapters/ for writes the SDK retried after
 * DynamoDB applied them (their answer lost, test/support/lost-answer.ts), each refused by its own
 * landed write and read as "not there":
 * - a failed launch's resume answered 409 LAUNCH_NOT_FAILED and its new run never started (the
 *   launch read `running` until the silence check failed it again);
 * - an email template's delete answered 404;
 * - a device's forget (a Delete) answered 404 and went unaudited.
 * Now each is done, once; a second one is still refused. Failed before the fix.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDevices } from '../../shared/adapters/dynamo-devices';
import { dynamoEmailTemplates } from '../../shared/adapters/dynamo-email-templates';
import { dynamoLaunches } from '../../shared/adapters/dynamo-launches';
import { deviceSk, emailTemplateSk, userPk, workspacePk } from '../../shared/adapters/keys';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

const PREFIX = 'r25gsw-';
let dynamo: DynamoHarness;
dynamoForFile(PREFIX, (h) => {
  dynamo = h;
});
const core = () => dynamo.table('core');
const lossy = (command: string) => losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, command);
const id = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
const get = async (pk: string, sk: string) =>
  (await dynamo.db.send(new GetCommand({ TableName: core(), Key: { pk, sk }, ConsistentRead: true }))).Item;

describe("a failed launch's resume after a lost answer", () => {
  it('is the resume: its run and resume point are answered, and the launch runs', async () => {
    const ws = id('ws');
    const launchId = id('launch');
    const store = dynamoLaunches(dynamo.db, core());
    const from = { enrolled: 40, pageSize: 20, cursor: 'c2' };
    await store.begin(ws, 'cmp-1', launchId, '2026-03-01T10:00:00.000Z', from);
    await store.fail(ws, 'cmp-1', launchId, 'boom', '2026-03-01T10:01:00.000Z', from);
    const l = lossy('UpdateItemCommand');
    expect(await dynamoLaunches(l.db, core()).resume(ws, launchId)).toEqual({ attempt: 1, from });
    expect(l.lost()).toBe(1);
    expect(await store.get(ws, launchId)).toMatchObject({ status: 'running', resumed: 1 });
    // A second resume of the running launch: refused.
    expect(await store.resume(ws, launchId)).toBeUndefined();
  });
});

describe("an email template's delete after a lost answer", () => {
  it('is the delete (true); a second one finds it deleted (false)', async () => {
    const ws = id('ws');
    const templateId = id('tpl');
    await dynamo.db.send(
      new PutCommand({
        TableName: core(),
        Item: { pk: workspacePk(ws), sk: emailTemplateSk(templateId), type: 'emailTemplate', templateId },
      }),
    );
    const l = lossy('UpdateItemCommand');
    const at = '2026-03-01T10:00:00.000Z';
    expect(await dynamoEmailTemplates(l.db, core()).markDeleted(ws, templateId, at)).toBe(true);
    expect(l.lost()).toBe(1);
    expect((await get(workspacePk(ws), emailTemplateSk(templateId)))?.deletedAt).toBe(at);
    expect(await dynamoEmailTemplates(dynamo.db, core()).markDeleted(ws, templateId, at)).toBe(false);
  });
});

describe("a device's forget after a lost answer", () => {
  for (const command of ['UpdateItemCommand', 'DeleteItemCommand']) {
    it(`is the forget (true), its ${command} answer lost; a second one finds none (false)`, async () => {
      const userId = id('u');
      const store = dynamoDevices(dynamo.db, core());
      await store.recordSeen({ userId, deviceId: 'd1', userAgent: 'ua', ip: '192.0.2.1', at: new Date() });
      const l = lossy(command);
      expect(await dynamoDevices(l.db, core()).forget(userId, 'd1')).toBe(true);
      expect(l.lost()).toBe(1);
      expect(await get(userPk(userId), deviceSk('d1'))).toBeUndefined();
      expect(await store.forget(userId, 'd1')).toBe(false);
      // Its next log-in is a new device again.
      expect(
        await store.recordSeen({ userId, deviceId: 'd1', userAgent: 'ua', ip: '192.0.2.1', at: new Date() }),
      ).toEqual({ isNew: true });
    });
  }

  it('a mark left by a forget that ended before its delete is taken over once stale, not before', async () => {
    const userId = id('u');
    const store = dynamoDevices(dynamo.db, core());
    await store.recordSeen({ userId, deviceId: 'd1', userAgent: 'ua', ip: '192.0.2.1', at: new Date() });
    const leave = (at: number) =>
      dynamo.db.send(
        new UpdateCommand({
          TableName: core(),
          Key: { pk: userPk(userId), sk: deviceSk('d1') },
          UpdateExpression: 'SET forgetMark = :m, forgetAt = :at',
          ExpressionAttributeValues: { ':m': 'other', ':at': at },
        }),
      );
    await leave(Date.now());
    expect(await store.forget(userId, 'd1')).toBe(false);
    await leave(Date.now() - 10 * 60_000);
    expect(await store.forget(userId, 'd1')).toBe(true);
    expect(await get(userPk(userId), deviceSk('d1'))).toBeUndefined();
  });
});
