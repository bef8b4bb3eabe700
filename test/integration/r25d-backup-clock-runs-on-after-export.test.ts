// Review round 25 (reviewer d): the local backup's campaign time (lib/ops/local-backup.ts).
/**
 * DEFECT (MEDIUM), fails at 679faf6: `npm run ops:export --endpoint ...` of a running runtime
 * carries that run's clock *origin* (`{realMs, clockMs, scale}`, no `stoppedAtMs`), not the campaign
 * time reached at the export. A directory imported from it starts as if its run had been killed at
 * the export and kept its clock running ever since: a backup taken at TIME_SCALE=3600 and restored
 * a day later starts ~10 years ahead of the campaign time the backup holds (every waiting enrolment,
 * goal deadline and send window falls due at once), and the same backup restored on two days gives
 * two different campaign times. The start even logs "did not stop cleanly" for a copy never run.
 * How a user reaches it: docs/runbooks/restore.md, "Locally": `ops:export --endpoint` of a running
 * `TIME_SCALE=3600 npm start`, later `ops:import` and `DATA_DIR=<copy> npm start`.
 * Root cause: local-backup.ts `exportedClock` (read at the start of the export, written as it was
 * saved): a backup is a point in time, so its clock should be the campaign time reached at the end
 * of the export, as a clean stop writes it (`stoppedAtMs`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startClockOrigin } from '../../lib/local/clock-origin';
import { exportBackup, importBackup } from '../../lib/ops/local-backup';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});
const temp = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `r25d-${name}-`));
  dirs.push(dir);
  return dir;
};
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SCALE = 3600;

describe('a backup of a running runtime restores the campaign time of the export (r25d)', () => {
  it('starts the restored copy at the campaign time reached when the export ended, however later it is started', async () => {
    // Prepare: a runtime running at TIME_SCALE=3600 for 10 minutes (its clock.json is the origin
    // startClockOrigin saved at its start: no stoppedAtMs while it runs).
    const source = temp('source');
    fs.writeFileSync(path.join(source, 'secret.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    const startedReal = Date.now() - 10 * MINUTE;
    const origin = { realMs: startedReal, clockMs: startedReal, scale: SCALE };
    fs.writeFileSync(path.join(source, 'clock.json'), JSON.stringify(origin));
    fs.writeFileSync(path.join(source, 'clock.json.copy'), JSON.stringify(origin));
    const out = path.join(temp('backup'), 'backup.jsonl');

    // Act: export (as `--endpoint` does, the runtime still running), import, start the copy a day later.
    await exportBackup({ client: {} as DynamoDBClient, tables: [], dataDir: source, out });
    const exportedAt = Date.now();
    const campaignAtExport = origin.clockMs + (exportedAt - origin.realMs) * SCALE; // ~25 days ahead
    const restored = path.join(temp('restored'), 'data');
    await importBackup({ file: out, dataDir: restored, warn: () => undefined });
    vi.spyOn(Date, 'now').mockReturnValue(exportedAt + DAY);
    const lines: string[] = [];
    const copy = startClockOrigin(restored, 1, (line) => lines.push(line));

    // Assess: the copy carries on from the backup's campaign time (a few seconds of slack at 3600x),
    // not from that plus the day it sat unused, times 3600 (~9.9 years).
    const aheadOfExportMs = copy.clockMs - campaignAtExport;
    expect(
      aheadOfExportMs,
      `restored copy starts ${(aheadOfExportMs / (365.25 * DAY)).toFixed(2)} years past the backup's campaign time; ${lines.join(' ')}`,
    ).toBeLessThanOrEqual(10_000 * SCALE);
    expect(copy.clockMs).toBeGreaterThanOrEqual(campaignAtExport - 10_000 * SCALE);
  }, 60_000);
});
