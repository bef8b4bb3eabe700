/**
 * The hostile values of the HTTP fuzz suite, one arbitrary per class of finding: ids too long
 * or malformed for a store key, numbers the store cannot keep, forged credentials, and
 * CR/LF in text that reaches email headers. Plain fast-check arbitraries over plain values,
 * so a failing case prints as something a person can replay with curl.
 */
import fc from 'fast-check';

/** Lengths around the limits that matter: 64 (our ids), 1 KB and 2 KB (DynamoDB keys), 4 KB+. */
export const ID_LENGTHS = [65, 129, 1025, 2049, 2100, 5000] as const;

/** An id no store key may carry: too long, or with characters no id of ours has. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  // n characters (code points), so the emoji case is 2n UTF-16 units and 4n bytes
  fc
    .tuple(fc.constantFrom(...ID_LENGTHS), fc.constantFrom('a', 'Z', '9', '-', '_', 'é', '\u{1F600}'))
    .map(([n, ch]) => ch.repeat(n)),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '.',
    '%00',
    'WS#other',
    'a#b',
    'USER#x',
    '\u0000',
    'a\r\nb',
    '*',
    'null',
    'undefined',
    '0',
    '-1',
    '1e400',
    '__proto__',
    'constructor',
    '<script>alert(1)</script>',
  ),
);

/**
 * Number literals as they appear in JSON text (not JS numbers: `42-digit integer` and `-0`
 * only exist as text). Each is outside what DynamoDB keeps, or right at an edge of it.
 */
export const EXTREME_NUMBERS = [
  '1e125',
  '9.99e125',
  '1e126',
  '-1e126',
  '1e-130',
  '1e-131',
  '-1e-131',
  '5e-324',
  '-5e-324',
  '1e308',
  '1.7976931348623157e308',
  '1e400',
  '-1e400',
  '123456789012345678901234567890123456789012',
  '-123456789012345678901234567890123456789012',
  '12345678901234567890123456789012345678',
  '-0',
  '-0.0',
  '0e0',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551616',
  '0.1',
  '1.00000000000000000000000000000000000000001',
  `0.${'0'.repeat(400)}1`,
  `1${'0'.repeat(400)}`,
] as const;

export const extremeNumber: fc.Arbitrary<string> = fc.constantFrom(...EXTREME_NUMBERS);

/** Text with CR/LF and friends, shaped like header injection into mail (Subject, To, Bcc). */
export const CRLF_TEXTS = [
  'Acme\r\nBcc: victim@example.com',
  'Acme\nSubject: you have won',
  'Acme\rX-Injected: 1',
  'Acme\r\n\r\n<h1>body</h1>',
  'Acme\u2028Line',
  'Acme\u0085Next',
  'Acme\u0000Nul',
  'Acme%0d%0aBcc: victim@example.com',
  '=?utf-8?q?Acme=0D=0ABcc:_victim@example.com?=',
] as const;

export const crlfText: fc.Arbitrary<string> = fc.constantFrom(...CRLF_TEXTS);

/** Email addresses that try to smuggle a second header or recipient. */
export const crlfEmail: fc.Arbitrary<string> = fc.constantFrom(
  'a@example.com\r\nBcc: victim@example.com',
  'a@example.com\nCc: victim@example.com',
  'a@example.com%0ABcc:victim@example.com',
  'a@example.com, victim@example.com',
  '"a\r\nb"@example.com',
  'a@example.com>\r\nBcc: <victim@example.com',
);

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

/** `uh_` + 32 hex: shaped exactly like a real key, and (with overwhelming odds) none. */
export const forgedKey: fc.Arbitrary<string> = hex(32).map((h) => `uh_${h}`);

/** `Authorization` values that are no key at all. */
export const malformedAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer uh_',
    'Basic dXNlcjpwYXNz',
    'Bearer eyJhbGciOiJub25lIn0.e30.',
    'Token uh_00000000000000000000000000000000',
    `Bearer ${'A'.repeat(5000)}`,
    'Bearer null',
    'Bearer undefined',
  ),
  hex(31).map((h) => `Bearer uh_${h}`),
  hex(33).map((h) => `Bearer uh_${h}`),
  hex(32).map((h) => `Bearer UH_${h.toUpperCase()}`),
  hex(32).map((h) => `bearer    uh_${h}`),
  hex(32).map((h) => `Bearer uh_${h} uh_${h}`),
  hex(32).map((h) => `Bearer uh_${h}\t`),
);

/** A session cookie value nobody issued (well-formed or not). */
export const forgedSessionToken: fc.Arbitrary<string> = fc.oneof(
  fc.base64String({ minLength: 40, maxLength: 48 }).map((s) => s.replace(/[+/=]/g, 'A')),
  hex(64),
  fc.constantFrom('', 'null', 'a'.repeat(5000), '../../etc/passwd', 'x;y', 'x\u0000'),
);

/** A 64-hex CSRF token the attacker chose (valid in shape, issued by nobody). */
export const attackerCsrf: fc.Arbitrary<string> = hex(64);

/** `Host` values that would turn a mailed link into the attacker's. */
export const hostileHost: fc.Arbitrary<string> = fc.constantFrom(
  'evil.example',
  'login.evil.example/sso?next=',
  'evil.example:443',
  '127.0.0.1.evil.example',
  'evil.example#',
  '[::1]',
);

/** Strings that have hurt web apps before: markup, SQL, traversal, template syntax, odd Unicode. */
export const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '{{7*7}}',
  `$${'{jndi:ldap://x}'}`,
  '\u202e\u0000\ud83d\ude00',
  'A'.repeat(10_000),
] as const;

export const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PAYLOADS),
  fc.string({ maxLength: 40 }),
  fc.webSegment(),
);
