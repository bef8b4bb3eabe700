/**
 * The local stand-in for the KMS key that encrypts secret settings (and, through it, seals
 * tracking and unsubscribe tokens): 32 random bytes made once under DATA_DIR (`secret.key`, mode
 * 0600) and handed to the functions as LOCAL_SECRET_KEY. Losing the file makes stored secrets
 * unreadable, exactly as deleting a KMS key would.
 *
 * The key is created whole or not at all (state-file.ts), so a start killed while making it
 * leaves no key and the next start makes one. A key file that holds no usable key (empty or torn:
 * a data directory written before the key was created atomically, or a hand edit) can have sealed
 * nothing the functions could open: it is moved aside (`secret.key.unusable-<ms>`), a new key is
 * made and a line is logged. Only if the file once held a usable key (a hand edit broke it) is
 * anything lost: what was sealed under that key (secret settings, tracking and unsubscribe links)
 * is unreadable, as with a new KMS key; the moved file keeps it for a repair by hand.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createStateFile } from './state-file';

export const SECRET_KEY_FILE = 'secret.key';

/** 32 bytes in standard base64, as the functions' secret box requires (secret-box-config.ts). */
const isUsableKey = (text: string) => /^[A-Za-z0-9+/]{43}=$/.test(text) && Buffer.from(text, 'base64').length === 32;

function readKey(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The data directory's key, made (or remade, see the module comment) when it has none usable. */
export function localSecretKey(dataDir: string, log: (line: string) => void = () => undefined): string {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  // A key another process created between the read and the create is read on the next pass.
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = readKey(file);
    if (key !== undefined && isUsableKey(key)) return key;
    if (key !== undefined) {
      const aside = `${file}.unusable-${Date.now()}`;
      fs.renameSync(file, aside);
      log(
        `[local] ${file} is not a usable key (${key === '' ? 'empty' : 'torn or edited'}): moved to ${aside}, a new key is made; ` +
          'anything sealed under an earlier key in that file (secret settings, tracking links) cannot be opened',
      );
    }
    const made = randomBytes(32).toString('base64');
    if (createStateFile(file, made, 0o600)) return made;
  }
  throw new Error(`Cannot make the local secret key ${file}: it keeps changing under this process`);
}
