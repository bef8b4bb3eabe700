// Review round 16: this test failed at 5bc3520.
// Defect: the data directory's .gitignore was created in place (open 'wx', then write): a start
// that died between the two left an empty .gitignore, kept as "the developer's" from then on.
/**
 * The data directory ignores itself (`*` in its .gitignore) because it holds the local secret key
 * and the demo account's password. An empty .gitignore left by a crash ignores nothing: the key
 * shows up in `git status` and goes into the next `git add -A`. Found while checking the local
 * runtime's other state files for writes that bypass state-file.ts (the class of the secret.key
 * defect).
 *
 * Correct: created whole or not at all; an empty one (what the old writer's crash left) is
 * written again; one with the developer's own lines is left alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_DIR_GITIGNORE, ignoreDataDir } from '../../lib/local/data-dir-ignore';
import { crashOnFirstWrite } from './local-durable-support';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-durable-ignore-'));
  dirs.push(dir);
  return dir;
};

describe('the data directory’s .gitignore across a crash during its first write (review 16)', () => {
  it('is there whole after the next start', async () => {
    // Prepare: a first start that dies while writing it.
    const dataDir = scratch();
    expect(await crashOnFirstWrite('gitignore', dataDir)).not.toBe(0);
    const file = path.join(dataDir, '.gitignore');
    // Assess: nothing, or the whole file, under the name.
    if (fs.existsSync(file)) expect(fs.readFileSync(file, 'utf8')).toBe(DATA_DIR_GITIGNORE);
    // Act: the next start.
    ignoreDataDir(dataDir);
    // Assess
    expect(fs.readFileSync(file, 'utf8')).toBe(DATA_DIR_GITIGNORE);
  });

  it('writes an empty one (left by the old writer) again, and leaves the developer’s own alone', () => {
    const torn = scratch();
    fs.writeFileSync(path.join(torn, '.gitignore'), '');
    ignoreDataDir(torn);
    expect(fs.readFileSync(path.join(torn, '.gitignore'), 'utf8')).toBe(DATA_DIR_GITIGNORE);

    const mine = scratch();
    fs.writeFileSync(path.join(mine, '.gitignore'), 'secret.key\n');
    ignoreDataDir(mine);
    expect(fs.readFileSync(path.join(mine, '.gitignore'), 'utf8')).toBe('secret.key\n');
  });
});
