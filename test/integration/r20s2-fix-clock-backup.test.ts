// Review round 20: this test failed at 9cf75bb.
// ops:export took clock.json verbatim and left its copy out, so a damaged clock.json (its copy good) made a
// backup whose restored directory refused to start; the import did not check the clock it wrote either.
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `r20s2-fix-${name}-`));
  dirs.push(dir);
  return dir;
};
const HOUR = 3_600_000;
const noTables = { client: {} as DynamoDBClient, tables: [] };

/** A data directory holding `clock` as clock.json and `copy` (when given) as its copy. */
const dataDir = (clock: string, copy?: string) => {
  const dir = temp('source');
  fs.writeFileSync(path.join(dir, 'secret.key'), Buffer.alloc(32, 7), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'clock.json'), clock);
  if (copy !== undefined) fs.writeFileSync(path.join(dir, 'clock.json.copy'), copy);
  return dir;
};
/** The clock.json a backup file carries. */
const clockInBackup = (file: string) => {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.includes('"file":"clock.json"')) {
      return JSON.parse(Buffer.from(JSON.parse(line).base64, 'base64').toString('utf8'));
    }
  }
  return undefined;
};

describe('a local backup carries a campaign time the restored directory can start from (r20s2)', () => {
  const stoppedAtMs = Date.now() + 72 * HOUR;
  const good = JSON.stringify({ realMs: Date.now() - 1000, clockMs: Date.now(), scale: 3600, stoppedAtMs });

  it('exports the copy of a clock.json holding a time out of range, leaving the source as it was', async () => {
    const damaged = JSON.stringify({ ...JSON.parse(good), stoppedAtMs: 1e17 });
    const source = dataDir(damaged, good);
    const out = path.join(temp('backup'), 'backup.jsonl');
    await exportBackup({ ...noTables, dataDir: source, out });
    expect(clockInBackup(out)).toEqual(JSON.parse(good));
    expect(fs.readFileSync(path.join(source, 'clock.json'), 'utf8')).toBe(damaged);
    expect(fs.readdirSync(source).sort()).toEqual(['clock.json', 'clock.json.copy', 'secret.key']);

    const restored = path.join(temp('restored'), 'data');
    await importBackup({ file: out, dataDir: restored });
    // The restored directory has the copy too, so a later damage of its clock.json is survivable.
    expect(JSON.parse(fs.readFileSync(path.join(restored, 'clock.json.copy'), 'utf8'))).toEqual(JSON.parse(good));
    expect(startClockOrigin(restored, 1, () => undefined).clockMs).toBe(stoppedAtMs);
  }, 60_000);

  it('refuses the export when neither clock.json nor its copy can be read, naming the file, and leaves no backup', async () => {
    const source = dataDir('{"clockMs": 17', JSON.stringify({ clockMs: 1e17 }));
    const backupDir = temp('backup');
    const out = path.join(backupDir, 'backup.jsonl');
    await expect(exportBackup({ ...noTables, dataDir: source, out })).rejects.toThrow(
      /clock\.json cannot be read .*nor can its copy.*(Repair|delete)/s,
    );
    expect(fs.readdirSync(backupDir)).toEqual([]);
  }, 60_000);

  it('imports a damaged clock.json (an older backup) as it is, saying the start will refuse it and what to do', async () => {
    // An older export carried clock.json verbatim: made here by editing a backup's clock line.
    const source = dataDir(good);
    const out = path.join(temp('backup'), 'backup.jsonl');
    await exportBackup({ ...noTables, dataDir: source, out });
    const damaged = JSON.stringify({ ...JSON.parse(good), clockMs: 1e17 });
    const edited = fs
      .readFileSync(out, 'utf8')
      .split('\n')
      .map((line) =>
        line.includes('"file":"clock.json"')
          ? JSON.stringify({ ...JSON.parse(line), base64: Buffer.from(damaged).toString('base64') })
          : line,
      )
      .join('\n');
    fs.writeFileSync(out, edited);

    const restored = path.join(temp('restored'), 'data');
    const lines: string[] = [];
    await importBackup({ file: out, dataDir: restored, warn: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/clock\.json .*cannot be read .*clockMs.*(repair|delete)/is);
    expect(fs.existsSync(path.join(restored, 'clock.json.copy'))).toBe(false);
    expect(() => startClockOrigin(restored, 1, () => undefined)).toThrow(/clock\.json cannot be read/);
  }, 60_000);
});
