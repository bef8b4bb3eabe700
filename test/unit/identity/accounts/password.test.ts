import { describe, expect, it } from 'vitest';
import { assertPasswordPolicy, CURRENT_SCRYPT, scryptHasher } from '../../../../shared/identity/accounts/password';
import { FAST_SCRYPT } from './memory-accounts';

describe('scryptHasher', () => {
  it('hashes with the production parameters (N=2^15 needs the raised maxmem) in the documented format', async () => {
    const hasher = scryptHasher();
    const encoded = await hasher.hash('correct horse battery');
    const [scheme, n, r, p, salt, hash] = encoded.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(CURRENT_SCRYPT.saltBytes);
    expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(CURRENT_SCRYPT.keyBytes);
    expect(await hasher.verify('correct horse battery', encoded)).toBe(true);
    expect(await hasher.verify('correct horse batterY', encoded)).toBe(false);
    expect(hasher.needsRehash(encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const hasher = scryptHasher(FAST_SCRYPT);
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies hashes made with other parameters and flags the weaker ones for re-hashing', async () => {
    const old = await scryptHasher({ ...FAST_SCRYPT, N: 2 ** 9 }).hash('old password');
    const current = scryptHasher(FAST_SCRYPT);
    expect(await current.verify('old password', old)).toBe(true);
    expect(current.needsRehash(old)).toBe(true);
    expect(current.needsRehash(await current.hash('old password'))).toBe(false);
  });

  it('normalises Unicode, so composed and decomposed accents are the same password', async () => {
    const hasher = scryptHasher(FAST_SCRYPT);
    const encoded = await hasher.hash('caf\u00e9 au lait!');
    expect(await hasher.verify('cafe\u0301 au lait!', encoded)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['bcrypt$2b$10$abc', 'another scheme'],
    ['scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'N not a power of two'],
    ['scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'N too large'],
  ])('rejects a malformed hash (%s: %s) without throwing', async (encoded) => {
    const hasher = scryptHasher(FAST_SCRYPT);
    expect(await hasher.verify('anything at all', encoded)).toBe(false);
    expect(hasher.needsRehash(encoded)).toBe(true);
  });

  it('has a dummy hash no password matches', async () => {
    const hasher = scryptHasher(FAST_SCRYPT);
    expect(await hasher.verify('', hasher.dummyHash)).toBe(false);
    expect(await hasher.verify('correct horse battery', hasher.dummyHash)).toBe(false);
  });
});

describe('assertPasswordPolicy', () => {
  it('accepts 10 to 128 characters, counted as code points', () => {
    expect(() => assertPasswordPolicy('0123456789', 'a@example.com')).not.toThrow();
    expect(() => assertPasswordPolicy('ab'.repeat(64), 'a@example.com')).not.toThrow();
    expect(() => assertPasswordPolicy('🔑🔒'.repeat(5), 'a@example.com')).not.toThrow();
    expect(() => assertPasswordPolicy(`${'🔑🔒'.repeat(4)}x`, 'a@example.com')).toThrow(/at least 10/);
  });
});
