/** JSON answers never carry live markup, whatever text a caller sent. */
import { describe, expect, it } from 'vitest';
import { safeJson, toApiResult } from '../../../shared/http/to-api-result';

describe('safeJson', () => {
  it('escapes <, >, & and the JavaScript line separators, and parses back to the same value', () => {
    const value = { message: 'no role <script>alert(1)</script> & "x"\u2028\u2029', n: [1, { a: '</b>' }] };
    const text = safeJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
  it('is what every JSON answer is written with', () => {
    const out = toApiResult(
      { status: 400, body: { error: 'Bad Request', message: '<img src=x onerror=alert(1)>' } },
      'r',
    );
    expect(out.body).not.toContain('<img');
    expect(JSON.parse(out.body ?? '')).toMatchObject({ message: '<img src=x onerror=alert(1)>' });
  });
});
