/**
 * Review round 19 re-review (r19g).
 * Defect: `PUT /api/settings/constructor` answers 500. The known-settings table added by 4ce0ffd
 * (shared/governance/settings.ts `KNOWN_SETTINGS`, a plain object) is indexed by the caller's key;
 * `constructor` passes the key pattern and resolves to `Object.prototype.constructor`, which
 * `putSetting` then calls `.safeParse` on (TypeError -> 500 INTERNAL). A 5xx is a bug by the product
 * rules; before 4ce0ffd the same request stored the setting (200/201).
 * Severity: MEDIUM (5xx on a valid request to a public route).
 * Root cause: shared/governance/settings.ts:putSetting (`KNOWN_SETTINGS[key]` with a prototype).
 * Correct: own-property lookup (`Object.hasOwn(KNOWN_SETTINGS, key)` or a Map): the setting is stored,
 * 201 on first write.
 */
import { describe, expect, it } from 'vitest';
import { campaignsFunctionForFile } from '../support/campaign-wiring';

const wiring = campaignsFunctionForFile('r19g-');
const put = (key: string, body: unknown) => wiring.setting('PUT', key, body);

describe('r19g: PUT /api/settings/constructor', () => {
  it('stores the setting instead of answering 500', async () => {
    // Control: any other key of the pattern is stored.
    expect((await put('constructed', { value: { team: 'growth' } })).status).toBe(201);
    const answer = await put('constructor', { value: { team: 'growth' } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ setting: { key: 'constructor', value: { team: 'growth' } } });
  });
});
