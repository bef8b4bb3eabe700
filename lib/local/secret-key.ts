/**
 * The local stand-in for the KMS key that encrypts secret settings: 32 random bytes made
 * once under DATA_DIR (mode 0600) and handed to the functions as LOCAL_SECRET_KEY. Losing
 * the file makes stored secrets unreadable, exactly as deleting a KMS key would.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function localSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
