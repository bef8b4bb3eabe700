// Review round 25 (fixer d): a backup's clock is a stopped one, for new and older backups alike.
/**
 * An export ends with the campaign time it reached written as a clean stop writes it
 * (`stoppedAtMs`), whether the runtime was running (an origin) or stopped. A backup written
 * before that (a running origin, no `stoppedAtMs`) is imported stopped at the campaign time the
 * origin had reached when its export began (the header's `createdAt`), not where it has run to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, BACKUP_VERSION, exportBackup, importBackup } from '../../lib/ops/local-backup';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
const temp = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `r25d-fix-${name}-`));
  dirs.push(dir);
  return dir;
};
const readClock = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'));
const DAY = 86_400_000;

describe('the clock a local backup restores (r25d fix)', () => {
  it('imports an older backup of a running runtime stopped at the campaign time of its export', async () => {
    // Prepare: a backup as exports wrote it before: the running origin, exported 2 days ago at 3600x.
    const createdAt = Date.now() - 2 * DAY;
    const origin = { realMs: createdAt - 60_000, clockMs: createdAt - 60_000, scale: 3600 };
    const reached = origin.clockMs + (createdAt - origin.realMs) * origin.scale;
    const clock = Buffer.from(JSON.stringify(origin)).toString('base64');
    const file = path.join(temp('old'), 'backup.jsonl');
    fs.writeFileSync(
      file,
      [
        {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date(createdAt).toISOString(),
          tables: [],
          files: ['clock.json'],
        },
        { file: 'clock.json', mode: 0o600, base64: clock },
        { end: true, items: {}, files: ['clock.json'] },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const restored = path.join(temp('old-restored'), 'data');
    // Act
    await importBackup({ file, dataDir: restored, warn: () => undefined });
    // Assess: stopped where the export saw it (not two days of 3600x later: ~20 years).
    const saved = readClock(restored);
    expect(saved.stoppedAtMs).toBeGreaterThanOrEqual(reached);
    expect(saved.stoppedAtMs).toBeLessThan(reached + 1000 * origin.scale);
    expect(readClock(restored)).toEqual(JSON.parse(fs.readFileSync(path.join(restored, 'clock.json.copy'), 'utf8')));
  }, 60_000);

  it('exports a stopped runtime clock as it is, and a running one stopped at the end of the export', async () => {
    // Prepare
    const stoppedDir = temp('stopped');
    const runningDir = temp('running');
    const stopped = { realMs: 1_000, clockMs: 2_000, scale: 60, stoppedAtMs: 5_000 };
    const startedAt = Date.now() - 60_000;
    const running = { realMs: startedAt, clockMs: startedAt, scale: 60 };
    for (const [dir, value] of [
      [stoppedDir, stopped],
      [runningDir, running],
    ] as const) {
      fs.writeFileSync(path.join(dir, 'secret.key'), Buffer.alloc(32, 1), { mode: 0o600 });
      fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify(value));
    }
    // Act
    const outs = [stoppedDir, runningDir].map((dir) => path.join(dir, 'out.jsonl'));
    await exportBackup({ client: {} as DynamoDBClient, tables: [], dataDir: stoppedDir, out: outs[0] as string });
    await exportBackup({ client: {} as DynamoDBClient, tables: [], dataDir: runningDir, out: outs[1] as string });
    const endedAt = Date.now();
    const clockOf = (out: string) => {
      const line = fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .map((l) => (l ? JSON.parse(l) : undefined))
        .find((l) => l?.file === 'clock.json');
      return JSON.parse(Buffer.from(line.base64, 'base64').toString('utf8'));
    };
    // Assess
    expect(clockOf(outs[0] as string)).toEqual(stopped);
    const exported = clockOf(outs[1] as string);
    expect(exported).toMatchObject(running);
    expect(exported.stoppedAtMs).toBeGreaterThanOrEqual(startedAt + 60_000 * 60);
    expect(exported.stoppedAtMs).toBeLessThanOrEqual(running.clockMs + (endedAt - startedAt) * 60 + 1);
  }, 60_000);
});
