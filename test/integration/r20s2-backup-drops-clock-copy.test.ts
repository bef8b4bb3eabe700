// Review round 20 second re-review (r20s2): the local backup (lib/ops/local-backup.ts) and the
// clock.json copy of commit 364efa3.
/**
 * DEFECT (LOW): 364efa3 makes a damaged clock.json survivable: the start restores it from
 * clock.json.copy. `npm run ops:export` copies clock.json into the backup as it is, damaged or not,
 * and leaves clock.json.copy out (BACKUP_FILES), so the one file the restore needs is exactly the
 * one a backup does not carry: a data directory that starts fine (its copy restores campaign time)
 * exports to a backup whose copy (`ops:import`, docs/runbooks/restore.md) refuses to start ("cannot
 * be read ... nor can its copy (missing)"), and the documented way out, deleting clock.json, sends
 * campaign time back to the wall clock, the very thing the backup keeps clock.json for.
 * Root cause: lib/ops/local-backup.ts `BACKUP_FILES` / `exportBackup` (clock.json taken verbatim,
 * unchecked; its copy not carried).
 * Correct: the backup carries a readable campaign time: the copy restores a damaged clock.json at
 * export (or clock.json.copy travels with it), so the restored directory starts where the original
 * would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startClockOrigin } from '../../lib/local/clock-origin';
import { exportBackup, importBackup } from '../../lib/ops/local-backup';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
const temp = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `r20s2-${name}-`));
  dirs.push(dir);
  return dir;
};

describe('r20s2: a backup of a data directory whose clock.json its copy would restore', () => {
  it('restores to a directory that starts at the same campaign time as the original', async () => {
    // Prepare: a stopped data directory, campaign time three days ahead (file and copy alike), then
    // clock.json cut short (the case the copy is for).
    const source = temp('source');
    fs.writeFileSync(path.join(source, 'secret.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    const stoppedAtMs = Date.now() + 72 * 3_600_000;
    const saved = JSON.stringify({ realMs: Date.now() - 1000, clockMs: Date.now(), scale: 3600, stoppedAtMs });
    fs.writeFileSync(path.join(source, 'clock.json.copy'), saved);
    fs.writeFileSync(path.join(source, 'clock.json'), saved.slice(0, -7));
    // The original would start from its copy (checked on a throwaway clone of the directory).
    const clone = temp('clone');
    for (const f of ['clock.json', 'clock.json.copy']) fs.copyFileSync(path.join(source, f), path.join(clone, f));
    expect(startClockOrigin(clone, 1, () => undefined).clockMs).toBe(stoppedAtMs);

    // Act: export (no tables: only the files matter here), import into a new directory, start it.
    const out = path.join(temp('backup'), 'backup.jsonl');
    await exportBackup({ client: {} as DynamoDBClient, dataDir: source, out, tables: [] });
    const restored = path.join(temp('restored'), 'data');
    await importBackup({ file: out, dataDir: restored });
    let clockMs: number | undefined;
    let refused = '';
    try {
      clockMs = startClockOrigin(restored, 1, () => undefined).clockMs;
    } catch (error) {
      refused = (error as Error).message;
    }

    // Assess
    expect(refused, 'the restored copy refuses to start').toBe('');
    expect(clockMs).toBe(stoppedAtMs);
  }, 60_000);
});
