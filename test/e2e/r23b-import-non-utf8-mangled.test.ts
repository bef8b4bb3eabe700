// Review round 23: this test failed at dfdd2c4.
/**
 * Review round 23 (reviewer b): a CSV that is not UTF-8 is imported with its text silently
 * destroyed. Excel's "CSV (Comma delimited)" on Windows, and most exports from older tools, save in
 * the system code page (Windows-1252 in Western Europe, the Americas, Australia): `José` is the
 * bytes 4A 6F 73 E9. The edge decodes every text body as UTF-8 (shared/http/parse-request.ts
 * `decodeBody`; API Gateway and the local host alike), so each such byte becomes U+FFFD; the import
 * answers 200 `created: 1` and stores `Jos\uFFFD`, `M\uFFFDller`, `Caf\uFFFD Z\uFFFDrich` for good
 * (and a re-import of the same file, as a fix, reports it `unchanged`). Even a request that names
 * its charset (`text/csv; charset=windows-1252`) is read as UTF-8.
 *
 * Promise: bad input gets a clear 4xx and changes nothing (or, read in the charset it names, is stored
 * as written); never a 200 that stores replacement characters in place of the caller's data.
 * Root cause: shared/http/parse-request.ts `decodeBody` / `parseBody` (the charset parameter ignored,
 * undecodable bytes replaced without a word), shared/crm/contacts/import-contacts.ts (no check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let user: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  user = await newUser(runtime, 'r23b-enc');
});
afterAll(async () => {
  await runtime?.stop();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${runtime.url}${path}`, init);

describe.each([
  ['text/csv', 'jose@cp1252.example'],
  ['text/csv; charset=windows-1252', 'jose@named-charset.example'],
])('a Windows-1252 CSV posted as %s', (contentType, email) => {
  it('is refused with a 4xx that creates nothing, or stored as written: never with U+FFFD in its place', async () => {
    const text = `email,firstName,lastName,company\r\n${email},José,Müller,Café Zürich\r\n`;
    const body = Buffer.from(text, 'latin1'); // Windows-1252 and Latin-1 agree on these letters
    expect(body.includes(Buffer.from('José', 'utf8'))).toBe(false); // not UTF-8

    const res = await api('/api/contacts/import', {
      method: 'POST',
      headers: as(user, { 'content-type': contentType }),
      body,
    });
    const answer = await json(res);
    const listed = await json(await api(`/api/contacts/list?q=${encodeURIComponent(email)}`, { headers: as(user) }));
    const stored = listed.contacts?.[0];

    if (res.status >= 400 && res.status < 500) {
      expect(stored, 'a refused file creates nothing').toBeUndefined();
      return;
    }
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(
      { firstName: stored?.firstName, lastName: stored?.lastName, company: stored?.company },
      `answered ${res.status} ${JSON.stringify(answer)} and stored the names with U+FFFD`,
    ).toEqual({ firstName: 'José', lastName: 'Müller', company: 'Café Zürich' });
  });
});
