// Review round 16: this test failed at 8e2e45f (state-file.ts named its temporary file
// `<file>.<pid>.tmp` and opened it with 'w': a temporary left hard-linked to the live file by a
// writer killed between link and unlink was truncated and overwritten, in place, by the next
// writer with the same pid, so a failed createStateFile changed the file it found existing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStateFile, writeStateFile, writeStateFileAsync } from '../../../lib/local/state-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r16y-fix-temp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A live file with the temporary a killed createStateFile left: a second name of the same inode. */
function liveWithLeftover(name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, 'live');
  fs.linkSync(file, `${file}.${process.pid}.tmp`);
  return file;
}

describe('state-file temporaries never alias a live file', () => {
  it('createStateFile on an existing file leaves it as it is', () => {
    const file = liveWithLeftover('lock');
    expect(createStateFile(file, 'intruder')).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('live');
  });

  it('writeStateFile and writeStateFileAsync replace the file without writing through the leftover', async () => {
    const sync = liveWithLeftover('sync.json');
    writeStateFile(sync, 'new');
    expect(fs.readFileSync(sync, 'utf8')).toBe('new');
    expect(fs.readFileSync(`${sync}.${process.pid}.tmp`, 'utf8')).toBe('live');

    const async = liveWithLeftover('async.json');
    await writeStateFileAsync(async, 'new');
    expect(fs.readFileSync(async, 'utf8')).toBe('new');
    expect(fs.readFileSync(`${async}.${process.pid}.tmp`, 'utf8')).toBe('live');
  });

  it('leaves no temporary behind after a write', () => {
    const file = path.join(dir, 'clean', 'state.json');
    writeStateFile(file, 'a');
    expect(createStateFile(file, 'b')).toBe(false);
    expect(createStateFile(path.join(dir, 'clean', 'other'), 'c')).toBe(true);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['other', 'state.json']);
  });
});
