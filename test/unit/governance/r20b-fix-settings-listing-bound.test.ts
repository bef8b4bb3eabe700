// Review round 20: this test failed at 16f866a.
// `GET /api/settings` answers every setting of the workspace in one body and their number had no
// bound: enough 8 KB values outgrew the 6 MB a synchronous Lambda may answer. With the cap, the
// largest listing the API can produce (every slot full of the value that grows most) still fits.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localSecretBox } from '../../../shared/adapters/secret-box';
import { ConflictError } from '../../../shared/errors';
import * as registry from '../../../shared/governance/settings';
import { listSettings, MAX_SETTING_BYTES, putSetting } from '../../../shared/governance/settings';
import { toApiResult } from '../../../shared/http/to-api-result';
import { callerIn, MemorySettings } from './memory-stores';

/** The largest synchronous Lambda response, as its runtime serialises the handler's result. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;
/** "Well under": room for global defaults and the envelope's headers. */
const BUDGET = 4 * 1024 * 1024;

const WS = 'ws-full';
const writer = callerIn(WS, ['settings:read', 'settings:write'], 'u-full');
const cap = (registry as Record<string, unknown>).MAX_WORKSPACE_SETTINGS as number | undefined;

/** A string value of as many `char`s as fit in {@link MAX_SETTING_BYTES} of JSON. */
function largest(char: string): string {
  const each = Buffer.byteLength(JSON.stringify(char), 'utf8') - 2;
  return char.repeat(Math.floor((MAX_SETTING_BYTES - 2) / each));
}

/** The bytes the Lambda answers for `GET /api/settings`: the API result, itself as JSON. */
async function answeredBytes(settings: MemorySettings): Promise<number> {
  const body = await listSettings(writer, { limit: 100 }, { settings });
  const result = toApiResult({ status: 200, body }, 'req-1');
  return Buffer.byteLength(JSON.stringify(result), 'utf8');
}

function setup() {
  const settings = new MemorySettings();
  const deps = { settings, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01Z') };
  return { settings, deps };
}

describe('r20b: the largest possible settings listing fits in a Lambda answer', () => {
  it('caps the settings of a workspace', () => {
    expect(cap).toBeTypeOf('number');
  });

  // `<` `>` `&` leave the API as 6-byte \u escapes (safeJson) and the envelope adds a backslash;
  // a quote or a backslash doubles twice; the rest grows less.
  it.each(['<', '&', '\u2028', '"', '\\', '\u0001', 'x', 'é', '😀'])(
    'every slot full of %j still answers under 4 MB',
    async (char) => {
      const { settings, deps } = setup();
      const value = largest(char);
      const slots = cap ?? 800;
      for (let i = 0; i < slots; i++) {
        // The longest keys the pattern allows.
        const key = `k${String(i).padStart(63, '0')}`;
        await putSetting(writer, key, { value }, deps);
      }
      const bytes = await answeredBytes(settings);
      expect(bytes, `${slots} settings of ${JSON.stringify(char)}: ${bytes} bytes`).toBeLessThan(BUDGET);
      expect(bytes).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    },
  );

  it('refuses a new key past the cap with 409 SETTINGS_LIMIT naming the limit; overwrites still work', async () => {
    const { settings, deps } = setup();
    const slots = cap ?? 800;
    for (let i = 0; i < slots; i++) await putSetting(writer, `k.${i}`, { value: i }, deps);
    const refused = await putSetting(writer, 'k.over', { value: 1 }, deps).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ code: 'SETTINGS_LIMIT', status: 409 });
    expect((refused as Error).message).toContain(String(slots));
    expect(settings.partition(WS).has('k.over')).toBe(false);
    await expect(putSetting(writer, 'k.0', { value: 'again' }, deps)).resolves.toMatchObject({ created: false });
  });
});
