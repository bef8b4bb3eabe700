// Review round 19: this test failed at 4ce0ffd.
// redactString (shared/observability/redact.ts) let through `Authorization: Basic ...`, `token: x`
// pairs with a colon, single-quoted pairs, provider keys, URL credentials on an IP or localhost
// host and the token of a mailed link's fragment; it must stay linear on long hostile input.
import { describe, expect, it } from 'vitest';
import { redact, redactString } from '../../../shared/observability/redact';

const BASIC = Buffer.from('mailer:hunter2-pw').toString('base64');
const ANTHROPIC = 'sk-ant-api03-Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aSxyz';
const OPENROUTER = `sk-or-v1-${'0a1b2c3d'.repeat(8)}`;
const OPENAI = 'sk-proj-AbCdEf0123456789GhIjKlMn';
const RESEND = 're_Ab12Cd34_EfGh5678IjKl9012MnOp';

describe('r19f: redactString closes the gaps the review found', () => {
  it.each([
    ['an Authorization: Basic header', `Authorization: Basic ${BASIC}`, ['hunter2', BASIC]],
    ['a Basic credential in prose', `sent Basic ${BASIC} to the relay`, [BASIC]],
    ['token: with a colon', 'hook token: abc123secret given', ['abc123secret']],
    ['password: with a colon', 'password: x9-hunter2', ['x9-hunter2']],
    ['a single-quoted object', "{'password': 'hunter2 pw', 'n': 1}", ['hunter2']],
    ['util.inspect output', "{ token: 'abc123secret', count: 2 }", ['abc123secret']],
    ['an Anthropic key', `key ${ANTHROPIC} refused`, [ANTHROPIC]],
    ['an OpenRouter key', `key=${OPENROUTER}`, [OPENROUTER]],
    ['an OpenAI key', `using ${OPENAI}`, [OPENAI]],
    ['a Resend key', `resend ${RESEND} 401`, [RESEND]],
    ['URL credentials on an IP', 'connect smtp://mailer:pw-hunter2@10.0.0.5:587 failed', ['pw-hunter2', 'mailer:']],
    ['URL credentials on localhost', 'redis://:s3cret-pw@localhost:6379/0', ['s3cret-pw']],
    ['URL credentials on a name', 'https://u:p4ss@internal/x', ['p4ss']],
    ['a reset link', 'https://app.example.com/reset-password#token=rst_Zq3kW9vN2x', ['rst_Zq3kW9vN2x']],
    ['a verify link', 'open /verify-email#token=ver_Zq3kW9vN2x now', ['ver_Zq3kW9vN2x']],
    ['an invite link, bare fragment', '/invites/accept#inv_Zq3kW9vN2x', ['inv_Zq3kW9vN2x']],
  ])('redacts %s', (_, input, secrets) => {
    const out = redactString(input);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('keeps the names and the surrounding text', () => {
    expect(redactString(`Authorization: Basic ${BASIC}`)).toBe('Authorization: [REDACTED]');
    expect(redactString('hook token: abc123secret given')).toBe('hook token: [REDACTED] given');
    expect(redactString("{'password': 'hunter2 pw', 'n': 1}")).toBe("{'password': '[REDACTED]', 'n': 1}");
    expect(redactString('connect smtp://mailer:pw@10.0.0.5:587 failed')).toBe(
      'connect smtp://[REDACTED]@10.0.0.5:587 failed',
    );
    expect(redactString('/reset-password#token=abc')).toBe('/reset-password#token=[REDACTED]');
    expect(redactString('/invites/accept#abc')).toBe('/invites/accept#[REDACTED]');
  });

  it('redacts inside structured values too (redact walks every string)', () => {
    expect(redact({ note: `Authorization: Basic ${BASIC}` })).toEqual({ note: 'Authorization: [REDACTED]' });
  });

  it.each([
    ['a time of day', 'at 10:30: done'],
    ['a URL without credentials', 'GET https://api.example.com:443/x?page=2'],
    ['token counts with a colon', 'inputTokens: 120, outputTokens: 80'],
    ['the word Basic in prose', 'Basic plan selected for workspace w_1'],
    ['a snake_case name', 're_enrol_contacts_after_window'],
    ['a plain fragment', '/docs#section-2'],
    ['a key-value line', 'status: 503 route: POST /api/x'],
  ])('leaves %s alone', (_, input) => {
    expect(redactString(input)).toBe(input);
  });

  /** `unit` repeated to 1 MB. */
  const mb = (unit: string, prefix = '') => prefix + unit.repeat(Math.ceil((1 << 20) / unit.length));

  it.each([
    ['name-colon pairs', mb('token:')],
    ['quote openers without a close', mb("password:'")],
    ['URL schemes without a host', mb('a://b:')],
    ['a scheme and a long userinfo', mb('u:', 'x://')],
    ['a long unquoted secret value', mb('x', 'token: ')],
    ['Basic and Bearer runs', mb('Basic Basic Bearer ')],
    ['a long Basic credential', mb('QUJD', 'Basic ')],
    ['fragments', mb('/verify-email#')],
    ['key prefixes', mb('sk-ant-re_sk-or-')],
    ['emails and params', mb('a=b@c.d&')],
    ['JSON pairs', mb('"password":"a":"')],
    ['sensitive header lines', mb('Authorization: \nCookie: "\n')],
    ['single-quoted names', mb("'token' :'x")],
  ])('stays linear on 1 MB of %s', (_, hostile) => {
    expect(hostile.length).toBeGreaterThanOrEqual(1 << 20);
    const started = performance.now();
    const out = redactString(hostile);
    // A generous bound: a quadratic scan of 1 MB takes minutes; the linear one well under a second.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(typeof out).toBe('string');
  });
});
