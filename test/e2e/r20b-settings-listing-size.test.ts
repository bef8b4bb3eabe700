/**
 * Review round 20 (r20b): the settings registry has no bound on how many settings a workspace keeps.
 *
 * Defect (MEDIUM): each value is capped at 8 KB (`MAX_SETTING_BYTES`) but the number of keys is
 * not, and `GET /api/settings` answers every setting of the workspace (plus the global ones) in one
 * unpaginated body (shared/governance/settings.ts:listSettings over
 * shared/adapters/dynamo-settings.ts `list`, a `queryAll`). About 770 full-size settings, which
 * anyone with `settings:write` (an admin, or an API key with that scope) writes in seconds, make
 * the listing larger than a Lambda function may answer (6 MB for a synchronous invocation): in the
 * cloud `GET /api/settings` then fails for everyone in the workspace with a 5xx, the settings page
 * is gone, and nothing but `DELETE` calls one key at a time repairs it. The local runtime has no
 * such limit, so the test measures the body against it.
 * Root cause: shared/governance/settings.ts:putSetting (no count limit) and listSettings (no paging).
 * Correct: a per-workspace cap on settings (e.g. 200, 409 `SETTINGS_LIMIT`, kept with a counter
 * item as for API keys), or a paginated listing; either keeps every answer under 6 MB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response (the HTTP API's integration cannot answer more). */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

let runtime: Runtime;
let admin: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  admin = await newUser(runtime, 'r20b-settings');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('r20b: the settings listing stays answerable', () => {
  it('a workspace cannot grow GET /api/settings past the 6 MB a Lambda may answer', async () => {
    const value = 'x'.repeat(8 * 1024 - 2); // a JSON string of exactly 8 KB: the largest value allowed
    let stored = 0;
    let refused: number | undefined;
    for (let batch = 0; batch < 40 && refused === undefined; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${runtime.url}/api/settings/r20b.bulk.${batch * 20 + i}`, {
            method: 'PUT',
            headers: as(admin),
            body: JSON.stringify({ value }),
          }).then((r) => r.status),
        ),
      );
      for (const status of answers) {
        if (status === 201) stored += 1;
        else {
          expect(status, 'a refusal past a cap is a 4xx').toBeLessThan(500);
          refused = status;
        }
      }
    }

    const res = await fetch(`${runtime.url}/api/settings`, { headers: as(admin) });
    expect(res.status).toBe(200);
    const body = await res.arrayBuffer();
    expect(
      body.byteLength,
      `${stored} settings stored; the listing is ${body.byteLength} bytes, over what a Lambda may answer`,
    ).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT);
  }, 120_000);
});
