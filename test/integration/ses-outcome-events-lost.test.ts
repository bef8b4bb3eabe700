/**
 * Review round 15: this test failed at f03ad0e (SES Bounce/Complaint/Delivery events of a send made within a second of a stop or kill were lost).
 *
 * Defect: the Bounce (and Complaint, Delivery) event of a send the SES emulator accepted is lost
 * for good when the runtime stops or is killed within about a second of the send. The emulator
 * publishes the Send event at once and the outcome events `outcomeDelayMs` (1 s) later, from
 * memory; the runtime stops its event bus before the emulators (lib/local/runtime.ts: stops run
 * in reverse order), so on a Ctrl-C the delayed Bounce meets a closed bus, is retried three times
 * and dropped with a log line; on `kill -9` it is simply gone. At the next start only the Send
 * events are replayed from ses-sends.journal.jsonl (ses-send-journal.ts: "Only the Send records").
 * In the cloud SES publishes the bounce whatever happens to the sender. Consequence: a hard
 * bounce is never recorded, the address is never suppressed, and the product keeps mailing it
 * (the bounce-rate protection that keeps the SES account healthy never sees it).
 *
 * Severity: MEDIUM (an accepted send's outcome, queued work, is lost across an ordinary stop).
 *
 * Root cause: lib/local/emulators/ses-events.ts sesEventPublisher (`publish`: outcome events held
 * only in a timer; `configure`: replays `sesEventsOf(send).slice(0, 1)`, the Send record only),
 * with lib/local/emulators/ses-send-journal.ts keeping no record of which events went out.
 *
 * Correct behaviour: an accepted send's events that did not reach the bus (Send and its outcomes)
 * are published at the next start, as the Send event already is.
 *
 * The test stops the bus, then the emulators, in the runtime's order, right after the send.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startEmulators } from '../../lib/local/emulators';
import { startEventBus } from '../../lib/local/event-bus';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-r15-ses-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SES outcome events across a stop of the local runtime (review 15)', () => {
  it('the Bounce of a send accepted just before a clean stop reaches the bus after the next start', async () => {
    const dataDir = join(dir, 'runtime');
    const busDir = join(dir, 'bus');
    const first = await startEmulators({ dataDir });
    const bus1 = await startEventBus({ dataDir: busDir, busName: 'x' });
    await first.configure({ eventBusEndpoint: bus1.endpoint });
    const ses = new SESv2Client(localClientConfig(first.ses.endpoint));
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@app.test',
        Destination: { ToAddresses: ['bounce@simulator.amazonses.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hi' } } } },
        EmailTags: [
          { Name: 'workspace', Value: 'ws-r15' },
          { Name: 'send', Value: 's-r15' },
        ],
      }),
    );
    ses.destroy();
    // Ctrl-C now: the runtime stops the bus, then the emulators.
    await new Promise((r) => setTimeout(r, 100));
    await bus1.stop();
    await first.stop();

    const second = await startEmulators({ dataDir });
    const bus2 = await startEventBus({ dataDir: busDir, busName: 'x' });
    try {
      await second.configure({ eventBusEndpoint: bus2.endpoint });
      await new Promise((r) => setTimeout(r, 2500));
      const recorded = bus2.events({ source: 'aws.ses' }).filter((e) => {
        const mail = (e.detail as { mail?: { messageId?: string } }).mail;
        return mail?.messageId === MessageId;
      });
      expect(recorded.map((e) => e['detail-type'])).toContain('Email Sent');
      expect(recorded.map((e) => e['detail-type'])).toContain('Email Bounced');
    } finally {
      await second.stop();
      await bus2.stop();
    }
  }, 30_000);
});
