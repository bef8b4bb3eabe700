/**
 * Password hashing with scrypt (node:crypto) and the password policy. The encoded hash
 * carries its own parameters (`scrypt$N$r$p$salt$hash`, base64url), so the cost can be
 * raised later: old hashes still verify and are re-hashed at the next successful log-in.
 * See docs/IDENTITY.md for the choice of parameters and the measured cost.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ValidationError } from '../../errors';
import { type Bulkhead, bulkhead } from '../../resilience/bulkhead';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly saltBytes: number;
  readonly keyBytes: number;
}

/** ~32 MiB and ~0.1 s per hash on a Lambda arm64 core; see docs/IDENTITY.md. */
export const CURRENT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, saltBytes: 32, keyBytes: 64 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time; false for a malformed hash. */
  verify(password: string, encoded: string): Promise<boolean>;
  /** True when the hash was made with weaker parameters than the current ones. */
  needsRehash(encoded: string): boolean;
  /** A hash no password matches, costing as much to check as a real one (unknown-user log-ins). */
  readonly dummyHash: string;
}

/**
 * Hashing is CPU-bound (~0.1 s a hash): at most one hash per core but one runs at once, and a
 * newcomer who would wait over 500 ms is refused with 429 SERVER_BUSY + Retry-After. In Lambda
 * (one request per instance) it never waits; in one process serving many requests (the local
 * runtime) a burst of log-ins is shed instead of stalling every other request behind it.
 */
export const HASHING: Bulkhead = bulkhead('password hashing', {
  concurrency: Math.max(1, availableParallelism() - 1),
  queue: 64,
  maxWaitMs: 500,
});

/** The hasher with `params` as its current parameters (tests use a cheaper N). */
export function scryptHasher(params: ScryptParams = CURRENT_SCRYPT, gate: Bulkhead = HASHING): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(params.saltBytes);
      const key = await gate.run(() => derive(password, salt, params.keyBytes, params));
      return encode(params, salt, key);
    },
    async verify(password, encoded) {
      const parsed = decode(encoded);
      if (!parsed) return false;
      const key = await gate.run(() => derive(password, parsed.salt, parsed.hash.length, parsed));
      return timingSafeEqual(key, parsed.hash);
    },
    needsRehash(encoded) {
      const parsed = decode(encoded);
      if (!parsed) return true;
      return (
        parsed.N < params.N ||
        parsed.r < params.r ||
        parsed.p < params.p ||
        parsed.salt.length < params.saltBytes ||
        parsed.hash.length < params.keyBytes
      );
    },
    dummyHash: encode(params, Buffer.alloc(params.saltBytes), Buffer.alloc(params.keyBytes)),
  };
}

function derive(password: string, salt: Buffer, keyBytes: number, p: Pick<ScryptParams, 'N' | 'r' | 'p'>) {
  // scrypt needs ~128·N·r·p bytes; Node's default maxmem (32 MiB) is exactly N=2^15, r=8, so
  // it would refuse our parameters. Twice the need leaves room for the working buffers.
  const options: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r * p.p };
  // NFKC so the same password typed on another keyboard or OS gives the same bytes (NIST SP 800-63B).
  const normalised = password.normalize('NFKC');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(normalised, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const encode = (p: ScryptParams, salt: Buffer, key: Buffer): string =>
  `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;

const POSITIVE = /^[1-9]\d{0,7}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Parses an encoded hash; bounds keep a corrupted record from asking for gigabytes. */
function decode(encoded: string) {
  const [scheme, n, r, p, salt, hash, ...rest] = encoded.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !hash || !B64URL.test(salt) || !B64URL.test(hash)) {
    return undefined;
  }
  if (![n, r, p].every((v) => v !== undefined && POSITIVE.test(v))) return undefined;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  const powerOfTwo = (N & (N - 1)) === 0;
  if (!powerOfTwo || N < 2 || N > 2 ** 20 || R > 32 || P > 16) return undefined;
  const saltBytes = Buffer.from(salt, 'base64url');
  const hashBytes = Buffer.from(hash, 'base64url');
  if (saltBytes.length < 16 || hashBytes.length < 32 || hashBytes.length > 128) return undefined;
  return { N, r: R, p: P, salt: saltBytes, hash: hashBytes };
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The password policy: 10..128 characters (code points), not one character repeated, not
 * the account's email address. Length over composition rules, as NIST SP 800-63B advises.
 *
 * @throws ValidationError `WEAK_PASSWORD`, naming the rule (never echoing the password)
 */
export function assertPasswordPolicy(password: string, email: string): void {
  const chars = [...password];
  const problem =
    chars.length < PASSWORD_MIN_LENGTH
      ? `The password must have at least ${PASSWORD_MIN_LENGTH} characters`
      : chars.length > PASSWORD_MAX_LENGTH
        ? `The password must have at most ${PASSWORD_MAX_LENGTH} characters`
        : new Set(chars).size === 1
          ? 'The password must not be one character repeated'
          : password.trim().toLowerCase() === email.trim().toLowerCase()
            ? 'The password must not be your email address'
            : undefined;
  if (problem) throw new ValidationError(problem, 'WEAK_PASSWORD');
}
