/**
 * The SES emulator's journal of accepted sends: a Send event lost with a killed runtime (here:
 * never published, no bus was configured) is published again, with the message tags, when the
 * next start is given its bus, before `configure` resolves; only the sends within the replay
 * window of the newest are, and the journal is compacted to them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startEmulators } from '../../lib/local/emulators';
import { REPLAY_WINDOW_MS, sendJournal } from '../../lib/local/emulators/ses-send-journal';
import { startEventBus } from '../../lib/local/event-bus';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ses-journal-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the SES emulator’s send journal', () => {
  it('publishes the Send event of a send whose events were lost again at the next start', async () => {
    // Prepare: a send accepted while no bus was reachable: its events went nowhere.
    const dataDir = join(dir, 'runtime');
    const first = await startEmulators({ dataDir });
    const ses = new SESv2Client(localClientConfig(first.ses.endpoint));
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@app.test',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } } },
        EmailTags: [
          { Name: 'workspace', Value: 'ws-1' },
          { Name: 'send', Value: 's-1' },
          { Name: 'ledger', Value: 'YXBpI2NsaWVudCNrMQ' },
        ],
      }),
    );
    ses.destroy();
    await first.stop();
    // Act: the next start, given its bus.
    const second = await startEmulators({ dataDir });
    const bus = await startEventBus({ dataDir: join(dir, 'bus'), busName: 'x' });
    try {
      await second.configure({ eventBusEndpoint: bus.endpoint });
      // Assess: on the bus when configure resolved, with the tags.
      const sent = bus.events({ source: 'aws.ses', detailType: 'Email Sent' });
      expect(sent).toHaveLength(1);
      expect(sent[0]?.detail).toMatchObject({
        eventType: 'Send',
        mail: { messageId: MessageId, tags: { workspace: ['ws-1'], send: ['s-1'], ledger: ['YXBpI2NsaWVudCNrMQ'] } },
      });
    } finally {
      await second.stop();
      await bus.stop();
    }
  });

  it('replays only the sends within the window of the newest, and keeps only those', async () => {
    // Prepare
    const file = join(dir, 'sends.jsonl');
    const send = (messageId: string, atMs: number) =>
      JSON.stringify({ messageId, from: 'a@b.c', to: ['d@e.f'], subject: '', tags: [], atMs });
    const newest = Date.parse('2026-12-04T12:00:00Z');
    await writeFile(
      file,
      `${send('old', newest - REPLAY_WINDOW_MS - 1)}\n${send('edge', newest - REPLAY_WINDOW_MS)}\n${send('new', newest)}\n{"torn`,
    );
    // Act
    const journal = sendJournal(file);
    journal.record(JSON.parse(send('later', newest + 1)));
    // Assess
    expect(journal.replay.map((s) => s.messageId)).toEqual(['edge', 'new']);
    const kept = (await readFile(file, 'utf8')).trim().split('\n');
    expect(kept.map((l) => JSON.parse(l).messageId)).toEqual(['edge', 'new', 'later']);
  });
});
