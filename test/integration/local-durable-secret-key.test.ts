// Review round 16: this test failed at 5bc3520.
// Defect: DATA_DIR/secret.key was created in place (open 'wx', then write): a process that died
// between the two left an empty (or torn) key that every later start used as it was.
/**
 * The local secret key (lib/local/secret-key.ts) is the local stand-in for the KMS key: the
 * functions get it as LOCAL_SECRET_KEY, and secret settings, tracking and unsubscribe tokens are
 * sealed with it. A key file left empty by a crash during its first write made every later start
 * hand the functions an empty key: each request that seals or opens a secret answered 500.
 *
 * Correct: the key reaches its name whole or not at all (temporary file, fsync, rename), and a key
 * file that is not a usable key (empty or torn, e.g. from a data directory written before) is
 * moved aside and replaced with a new key, with a log line; never a crash, never an empty key.
 *
 * The crash is real: the child process's file-size limit is set to 0 (prlimit) just before it
 * makes the key, so its first byte written to a file fails and the process dies mid-write.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localSecretKey } from '../../lib/local/secret-key';
import { secretBoxFromEnv } from '../../shared/adapters/secret-box-config';
import { crashOnFirstWrite } from './local-durable-support';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-durable-key-'));
  dirs.push(dir);
  return dir;
};
const noKms = () => {
  throw new Error('KMS must not be used locally');
};
/** What the functions do with the key: a secret box that seals and opens. */
async function usable(key: string): Promise<boolean> {
  const box = secretBoxFromEnv({ LOCAL_SECRET_KEY: key }, noKms);
  const context = { workspaceId: 'ws-key', key: 'resend.api_key' };
  return (await box.open(await box.seal('provider-api-key', context), context)) === 'provider-api-key';
}

describe('the local secret key across a crash during its first write (review 16)', () => {
  it('leaves no torn key behind: the next start makes a usable key and keeps it', async () => {
    // Prepare: a first start that dies while writing the key.
    const dataDir = scratch();
    expect(await crashOnFirstWrite('secret-key', dataDir)).not.toBe(0);
    const file = path.join(dataDir, 'secret.key');
    // Assess: nothing, or a whole key, under the name.
    if (fs.existsSync(file)) expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // Act: the next start.
    const key = localSecretKey(dataDir);
    // Assess: a key the functions can use, the same at the start after.
    expect(await usable(key)).toBe(true);
    expect(localSecretKey(dataDir)).toBe(key);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it.each([
    ['empty', ''],
    ['torn', 'q2Vx0fT1'],
  ])(
    'replaces an %s key file (left by the old writer) with a usable key, moving it aside with a log line',
    async (_kind, text) => {
      // Prepare
      const dataDir = scratch();
      fs.writeFileSync(path.join(dataDir, 'secret.key'), text, { mode: 0o600 });
      const lines: string[] = [];
      // Act
      const key = localSecretKey(dataDir, (l) => lines.push(l));
      // Assess
      expect(await usable(key)).toBe(true);
      expect(localSecretKey(dataDir)).toBe(key);
      expect(lines.join('\n')).toMatch(/secret\.key.*not a usable key.*moved to .*secret\.key\.unusable-/);
      const aside = fs.readdirSync(dataDir).filter((n) => n.startsWith('secret.key.unusable-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dataDir, aside[0] as string), 'utf8')).toBe(text);
    },
  );
});
