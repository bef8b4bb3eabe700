// Review round 20: this test failed at 16f866a.
// The settings the service itself reads took any JSON value on PUT (201): a budget of "0" or a
// secret postal address was stored, then skipped by its reader (the AI kept its default budget
// while the admin believed it off). Every key read anywhere now has a schema: a bad value is 400.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localSecretBox } from '../../../shared/adapters/secret-box';
import { DEFAULT_AI_BUDGETS, readBudgets } from '../../../shared/ai/budgets';
import { forbiddenClaims } from '../../../shared/campaigns/ai-copy';
import { senderProfile } from '../../../shared/email/sender-profile';
import { topicsFromSetting } from '../../../shared/email/topics';
import { ValidationError } from '../../../shared/errors';
import * as registry from '../../../shared/governance/settings';
import { putSetting, workspaceTimeZone } from '../../../shared/governance/settings';
import { callerIn, MemorySettings } from './memory-stores';

const WS = 'ws-known';
const writer = callerIn(WS, ['settings:read', 'settings:write'], 'u-known');

function setup() {
  const settings = new MemorySettings();
  const deps = { settings, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01Z') };
  return { settings, deps };
}

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, message: error.message };
    throw error;
  }
  return 'stored';
}

/** A value as a test title shows it: its JSON, cut to 60 characters. */
const show = (value: unknown) => {
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 40)}... (${json.length} chars)` : json;
};

/** What each reader makes of the stored value: undefined when it skips it (the default applies). */
const readers: Record<string, (settings: MemorySettings) => Promise<unknown>> = {
  'ai.monthly_token_budget': async (s) => {
    const { monthlyTokens } = await readBudgets(WS, s);
    return monthlyTokens === DEFAULT_AI_BUDGETS.monthlyTokens ? undefined : monthlyTokens;
  },
  'ai.monthly_cost_budget_usd': async (s) => {
    const { monthlyCostUsd } = await readBudgets(WS, s);
    return monthlyCostUsd === DEFAULT_AI_BUDGETS.monthlyCostUsd ? undefined : monthlyCostUsd;
  },
  'email.postal_address': async (s) =>
    (await senderProfile(WS, { settings: s, workspaceName: async () => 'Acme' })).postalAddress,
  'email.topics': async (s) => {
    const stored = await s.get(WS, 'email.topics');
    if (!stored || stored.isSecret) return undefined;
    const topics = topicsFromSetting(JSON.parse(stored.valueJson));
    return topics.length > 0 ? topics : undefined;
  },
  'campaigns.forbidden_claims': async (s) => {
    const claims = await forbiddenClaims(WS, s);
    return claims.length > 0 ? claims : undefined;
  },
  'workspace.time_zone': (s) => workspaceTimeZone(WS, { settings: s }),
};

/** Values a reader can use, each with what the reader then holds. */
const usable: [string, unknown, unknown][] = [
  ['ai.monthly_token_budget', 0, 0],
  ['ai.monthly_token_budget', 500_000, 500_000],
  ['ai.monthly_cost_budget_usd', 0, 0],
  ['ai.monthly_cost_budget_usd', 12.5, 12.5],
  ['email.postal_address', '1 Main St, Springfield', '1 Main St, Springfield'],
  ['email.postal_address', '  1 Main St  ', '1 Main St'],
  ['email.postal_address', 'a'.repeat(500), 'a'.repeat(500)],
  ['email.topics', ['news'], [{ id: 'news', label: 'news' }]],
  [
    'email.topics',
    ['news', { id: 'product', label: 'Product updates' }],
    [
      { id: 'news', label: 'news' },
      { id: 'product', label: 'Product updates' },
    ],
  ],
  [
    'email.topics',
    Array.from({ length: 50 }, (_, i) => `t${i}`),
    Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, label: `t${i}` })),
  ],
  ['campaigns.forbidden_claims', ['guaranteed results'], ['guaranteed results']],
  ['workspace.time_zone', 'Europe/Berlin', 'Europe/Berlin'],
];

/** Values no reader can use: each is a 400 `INVALID_SETTING_VALUE` naming the key. */
const unusable: [string, unknown][] = [
  ['ai.monthly_token_budget', '0'],
  ['ai.monthly_token_budget', -1],
  ['ai.monthly_token_budget', 1.5],
  ['ai.monthly_token_budget', null],
  ['ai.monthly_token_budget', { tokens: 1 }],
  ['ai.monthly_cost_budget_usd', '0'],
  ['ai.monthly_cost_budget_usd', -0.01],
  ['ai.monthly_cost_budget_usd', true],
  ['email.postal_address', 42],
  ['email.postal_address', ''],
  ['email.postal_address', '   '],
  ['email.postal_address', 'a'.repeat(501)],
  ['email.postal_address', ['1 Main St']],
  ['email.topics', 'news'],
  ['email.topics', ['News!']],
  ['email.topics', [{ label: 'no id' }]],
  ['email.topics', ['news', { id: 'news', label: 'again' }]],
  ['email.topics', Array.from({ length: 51 }, (_, i) => `t${i}`)],
  ['email.topics', [{ id: 'news', label: 'x'.repeat(101) }]],
  ['campaigns.forbidden_claims', 'guaranteed results'],
  ['campaigns.forbidden_claims', ['']],
  ['campaigns.forbidden_claims', [7]],
];

describe('r20b: the settings the service reads are checked when set', () => {
  for (const [key, value, read] of usable) {
    it(`${key} takes ${show(value)}, and its reader uses it`, async () => {
      const { settings, deps } = setup();
      await putSetting(writer, key, { value }, deps);
      expect(await readers[key]?.(settings)).toEqual(read);
    });
  }

  for (const [key, value] of unusable) {
    it(`${key} refuses ${show(value)} (400 naming the key and the rule), storing nothing`, async () => {
      const { settings, deps } = setup();
      const why = await refusal(() => putSetting(writer, key, { value }, deps));
      expect(why).toMatchObject({ code: 'INVALID_SETTING_VALUE' });
      expect((why as { message: string }).message).toContain(key);
      expect((why as { message: string }).message).toMatch(/must be/);
      expect(settings.partition(WS).has(key)).toBe(false);
    });
  }

  it.each(Object.keys(readers))(
    '%s is never a secret (400 SETTING_NOT_SECRET): its reader reads plain values only',
    async (key) => {
      const { settings, deps } = setup();
      const value = usable.find(([k]) => k === key)?.[1];
      expect(await refusal(() => putSetting(writer, key, { value, isSecret: true }, deps))).toMatchObject({
        code: 'SETTING_NOT_SECRET',
      });
      expect(settings.partition(WS).has(key)).toBe(false);
    },
  );

  it('keeps the last good value when a bad one would replace it', async () => {
    const { settings, deps } = setup();
    await putSetting(writer, 'ai.monthly_token_budget', { value: 0 }, deps);
    await refusal(() => putSetting(writer, 'ai.monthly_token_budget', { value: '0' }, deps));
    expect(await readBudgets(WS, settings)).toMatchObject({ monthlyTokens: 0 });
  });

  it('knows every setting key the code reads (each `*_SETTING` constant under shared/ and functions/)', async () => {
    const known = (registry as Record<string, unknown>).KNOWN_SETTINGS as Record<string, unknown> | undefined;
    const keys = new Set<string>();
    for (const dir of ['shared', 'functions']) {
      for (const file of await readdir(dir, { recursive: true })) {
        if (!file.endsWith('.ts')) continue;
        const source = await readFile(join(dir, file), 'utf8');
        for (const m of source.matchAll(/export const [A-Z_]+_SETTING = '([^']+)'/g)) keys.add(m[1] as string);
      }
    }
    expect([...keys].sort()).toEqual(Object.keys(readers).sort());
    expect(Object.keys(known ?? {}).sort()).toEqual([...keys].sort());
  });
});
