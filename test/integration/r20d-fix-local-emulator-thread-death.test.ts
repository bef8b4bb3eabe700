// Review round 20: this test failed at 27bc9a0.
// An emulator thread that died after it reported its endpoints was only logged: `configure` and
// `stop` waited for its answer for good, so a runtime starting on it hung instead of failing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type Emulators, localClientConfig, startEmulatorsInWorker } from '../../lib/local/emulators';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-fix-thread-'));
const started: Emulators[] = [];

afterAll(async () => {
  for (const e of started) await e.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const settled = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(
      () => 'resolved',
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve(`still pending after ${ms} ms`), ms)),
  ]);

describe('an emulator thread that dies after it started (r20d)', () => {
  it('makes configure and stop fail with a clear error instead of hanging', async () => {
    const log: string[] = [];
    const first = await startEmulatorsInWorker({ dataDir, log: (line) => log.push(line) });
    started.push(first);
    // Forced in behind the lock's back: the second set's dynalite cannot use the LevelDB the first
    // one holds, and its thread dies at its first DynamoDB request.
    fs.rmSync(path.join(dataDir, 'emulators.lock'));
    const second = await startEmulatorsInWorker({ dataDir, log: (line) => log.push(line) });
    started.push(second);
    const client = new DynamoDBClient({ ...localClientConfig(second.dynamodb.endpoint), maxAttempts: 1 });
    await client.send(new ListTablesCommand({})).catch(() => undefined);
    client.destroy();
    await new Promise((r) => setTimeout(r, 1000));

    expect(await settled(second.configure({ eventBusEndpoint: 'http://127.0.0.1:9' }), 5000)).toMatch(
      /emulator thread exited/,
    );
    expect(await settled(second.stop(), 5000)).toMatch(/emulator thread exited/);
    expect(log.join('\n')).toMatch(/emulator thread exited unexpectedly/);
  }, 60_000);
});
