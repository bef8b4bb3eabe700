/**
 * Review round 19 re-review (r19g).
 * Defect: `KNOWN_SETTINGS` (shared/governance/settings.ts, commit 4ce0ffd) is a plain object
 * literal looked up with the caller's key: `KNOWN_SETTINGS[key]`. The key pattern
 * `^[a-z][a-z0-9_.-]{0,63}$` admits `constructor`, an Object.prototype member, so
 * `KNOWN_SETTINGS['constructor']` is the `Object` function: `putSetting` takes it for a schema,
 * calls `Object.safeParse(...)` and throws a TypeError (the route answers 500) for a key every other
 * workspace key pattern accepts; with `isSecret: true` it answers 400 SETTING_NOT_SECRET, a rule that
 * belongs to `workspace.time_zone` only. Before 4ce0ffd `PUT /api/settings/constructor` stored the
 * value like any other key.
 * Severity: MEDIUM (a 5xx on a valid request to a public route; a setting name that worked before
 * can no longer be written).
 * Root cause: shared/governance/settings.ts:putSetting (`const known = KNOWN_SETTINGS[key]` on an
 * object with a prototype).
 * Correct: look known keys up as own properties (`Object.hasOwn`, a Map, or `Object.create(null)`),
 * so `constructor` is stored like any other key (and may be secret).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localSecretBox } from '../../../shared/adapters/secret-box';
import { putSetting } from '../../../shared/governance/settings';
import { callerIn, MemorySettings } from './memory-stores';

const writer = callerIn('ws-proto', ['settings:read', 'settings:write'], 'u-proto');

function setup() {
  const settings = new MemorySettings();
  const deps = { settings, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01Z') };
  return { settings, deps };
}

describe('r19g: a setting key that names an Object.prototype member', () => {
  it('"constructor" is stored like any other key (no TypeError, no 500)', async () => {
    const { settings, deps } = setup();
    const put = await putSetting(writer, 'constructor', { value: { builder: 'Ada' } }, deps);
    expect(put.setting).toMatchObject({ key: 'constructor', isSecret: false, value: { builder: 'Ada' } });
    expect(settings.partition('ws-proto').get('constructor')).toMatchObject({ valueJson: '{"builder":"Ada"}' });
  });

  it('"constructor" may be a secret (the never-secret rule is workspace.time_zone\'s only)', async () => {
    const { deps } = setup();
    const put = await putSetting(writer, 'constructor', { value: 'sk-123', isSecret: true }, deps);
    expect(put.setting).toMatchObject({ key: 'constructor', isSecret: true, value: '********' });
  });
});
