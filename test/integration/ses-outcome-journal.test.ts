/**
 * The SES send journal notes which of a send's events reached the bus: at the next start only the
 * events that did not (a kill between the Send event and its Bounce) are published, a send whose
 * events all went is not published again, and the journal keeps only the sends still pending.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptedSend, sesEventPublisher } from '../../lib/local/emulators/ses-events';
import { sendJournal } from '../../lib/local/emulators/ses-send-journal';
import { type LocalEventBus, startEventBus } from '../../lib/local/event-bus';

let dir: string;
let bus: LocalEventBus;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ses-outcome-journal-'));
  bus = await startEventBus({ dataDir: join(dir, 'bus'), busName: 'x' });
});
afterAll(async () => {
  await bus.stop();
  await rm(dir, { recursive: true, force: true });
});

const send = (messageId: string, to: string): AcceptedSend => ({
  messageId,
  from: 'no-reply@app.test',
  to: [to],
  subject: 'Hi',
  tags: [{ Name: 'workspace', Value: 'ws-1' }],
  atMs: Date.now(),
});
const typesOf = (messageId: string) =>
  bus
    .events({ source: 'aws.ses' })
    .filter((e) => (e.detail as { mail?: { messageId?: string } }).mail?.messageId === messageId)
    .map((e) => e['detail-type']);

describe('the SES send journal’s published marks', () => {
  it('publishes at the next start only the events of a send that had not reached the bus', async () => {
    // Prepare: a bounce whose Send event went before the kill, and a send whose events all went.
    const file = join(dir, 'killed.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify(send('m-bounced', 'bounce@simulator.amazonses.com')),
        JSON.stringify({ published: 'm-bounced', count: 1 }),
        JSON.stringify(send('m-done', 'success@simulator.amazonses.com')),
        JSON.stringify({ published: 'm-done', count: 1 }),
        JSON.stringify({ published: 'm-done', count: -1 }),
        '{"publ',
      ].join('\n'),
    );
    // Act
    const journal = sendJournal(file);
    const publisher = sesEventPublisher(() => undefined, [10], 50, journal);
    await publisher.configure(bus.endpoint);
    // Assess
    expect(journal.replay.map((s) => s.messageId)).toEqual(['m-bounced']);
    expect(typesOf('m-bounced')).toEqual(['Email Bounced']);
    expect(typesOf('m-done')).toEqual([]);
    expect(journal.pending()).toBe(0);
    await publisher.stop();
    // The next start has nothing to publish.
    expect(sendJournal(file).replay).toEqual([]);
  });

  it('a stop before the outcome moment puts the outcome at once; one the bus refused goes at the next start', async () => {
    // Prepare
    const file = join(dir, 'stopped.jsonl');
    const journal = sendJournal(file);
    const publisher = sesEventPublisher(() => undefined, [10], 60_000, journal);
    await publisher.configure(bus.endpoint);
    const a = send('m-flushed', 'complaint@simulator.amazonses.com');
    journal.record(a);
    void publisher.publish(a);
    await new Promise((r) => setTimeout(r, 100));
    // Act: stop long before the outcome moment (60 s), the bus up: the outcomes go now.
    await publisher.stop();
    // Assess
    expect(typesOf('m-flushed')).toEqual(['Email Sent', 'Email Delivered', 'Email Complaint Received']);
    expect(journal.pending()).toBe(0);

    // Prepare: the same with the bus gone at the stop (the runtime stops the bus first).
    const journal2 = sendJournal(file);
    const gone = sesEventPublisher(() => undefined, [10], 60_000, journal2);
    const other = await startEventBus({ dataDir: join(dir, 'gone'), busName: 'x' });
    await gone.configure(other.endpoint);
    const b = send('m-later', 'bounce@simulator.amazonses.com');
    journal2.record(b);
    await new Promise<void>((resolve) => {
      void gone.publish(b);
      setTimeout(resolve, 100);
    });
    await other.stop();
    await gone.stop();
    expect(journal2.pending()).toBe(1);
    // Act: the next start.
    const journal3 = sendJournal(file);
    const next = sesEventPublisher(() => undefined, [10], 60_000, journal3);
    await next.configure(bus.endpoint);
    await next.stop();
    // Assess: only the Bounce (its Send event reached the other bus), then nothing is pending.
    expect(typesOf('m-later')).toEqual(['Email Bounced']);
    expect(journal3.pending()).toBe(0);
    expect((await readFile(file, 'utf8')).trim()).not.toContain('m-flushed');
  });
});
