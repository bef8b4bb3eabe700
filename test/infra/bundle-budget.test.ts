/**
 * Every function's `index.mjs`, built with the stack's own esbuild options, within 300 KB
 * (BUNDLE_BUDGET_BYTES; the source map beside it is not counted: Lambda reads it only to map a
 * stack trace). Sizes are deterministic, so they are tested; cold-import times are not (they
 * depend on the machine): `npm run bench:cold` measures them, docs/bench/cold-start.json keeps them.
 *
 * No function fits 300 KB yet. The floor is what every function loads: built with the same
 * options, the DynamoDB document client alone is 206 KB and zod's `z.object().parse()` 85 KB,
 * 291 KB together before Powertools, middy and any code of ours (the `(ref)` rows of
 * `npm run bench:cold`; docs/PERFORMANCE_BASELINES.md, "Bundles and cold start"). So each
 * function has a ceiling here, visibly over budget, with what it carries: a bundle may not grow
 * past its ceiling, and a function that comes under 300 KB must leave the list (the test says so).
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, buildFunctionBundles, contributors } from '../../lib/cdk/function-bundles';
import { bundlingFor } from '../../lib/cdk/house-function';
import { fromRoot } from '../../lib/cdk/repo-paths';
import { type FunctionName, functions } from '../../lib/definition';

/** What every function loads: `(ref) both` in `npm run bench:cold`, 291 KB of the 300. */
const FLOOR =
  'over the floor of the bundled DynamoDB document client (206 KB) and zod (85 KB), plus Powertools and middy';

/** What every HTTP function reads the origin secret with (shared/adapters/origin-secrets.ts). */
const ORIGIN_SECRET = 'the Secrets Manager client and Powertools parameters (~33 KB) to read the origin secret';

/**
 * Over-budget functions, visibly unfinished: the ceiling a bundle may not pass (the size measured
 * on 2026-12-04 rounded up, plus ~10 KB for ordinary changes; the HTTP functions' re-measured when
 * they started reading the origin secret at run time), that size, and what it carries.
 */
const OVER_BUDGET: Partial<
  Record<FunctionName, { readonly ceiling: number; readonly measured: number; readonly reason: string }>
> = {
  system: {
    ceiling: 575_000,
    measured: 558_623,
    reason: `${FLOOR} + the SES v2 client (62 KB) for the deep health probe, ${ORIGIN_SECRET}`,
  },
  identity: {
    ceiling: 1_040_000,
    measured: 1_021_040,
    reason: `${FLOOR} + zxcvbn-ts dictionaries (462 KB with its core; evaluated only at the first password check) and the SES v2 client (62 KB), ${ORIGIN_SECRET}`,
  },
  security: { ceiling: 505_000, measured: 488_382, reason: `${FLOOR} + ${ORIGIN_SECRET}` },
  workspaces: {
    ceiling: 560_000,
    measured: 546_669,
    reason: `${FLOOR} + the SES v2 client (62 KB) for invitations, ${ORIGIN_SECRET}`,
  },
  contacts: { ceiling: 530_000, measured: 514_089, reason: `${FLOOR} + ${ORIGIN_SECRET}` },
  scoring: { ceiling: 500_000, measured: 483_280, reason: `${FLOOR} + ${ORIGIN_SECRET}` },
  'score-recompute-worker': { ceiling: 460_000, measured: 442_508, reason: FLOOR },
  'drip-step-worker': {
    ceiling: 675_000,
    measured: 662_488,
    reason: `${FLOOR} + liquidjs (85 KB) for campaign mail, + the Secrets Manager client and Powertools parameters (~25 KB) to read the tracking secret`,
  },
  campaigns: {
    ceiling: 670_000,
    measured: 651_999,
    reason: `${FLOOR} + liquidjs (85 KB) to check templates, ${ORIGIN_SECRET}`,
  },
  'campaign-sweeper': { ceiling: 400_000, measured: 385_752, reason: FLOOR },
  'ai-call-worker': {
    ceiling: 1_140_000,
    measured: 1_123_561,
    reason: `${FLOOR} + the Anthropic (456 KB) and OpenAI (156 KB) SDKs, loaded only at the first call with a key`,
  },
  ai: {
    ceiling: 1_270_000,
    measured: 1_256_318,
    reason: `${FLOOR} + the Anthropic (456 KB) and OpenAI (156 KB) SDKs, loaded only at the first call with a key, and liquidjs (85 KB)`,
  },
  emails: {
    ceiling: 645_000,
    measured: 630_022,
    reason: `${FLOOR} + liquidjs (85 KB) to render mail, ${ORIGIN_SECRET}`,
  },
  'email-templates': {
    ceiling: 600_000,
    measured: 586_306,
    reason: `${FLOOR} + liquidjs (85 KB) to render previews, ${ORIGIN_SECRET}`,
  },
  'email-sender': {
    ceiling: 1_030_000,
    measured: 1_011_227,
    reason: `${FLOOR} + nodemailer (244 KB), Resend with postal-mime (105 KB), loaded only when their credentials are set, liquidjs (85 KB) and the SES v2 client (64 KB)`,
  },
  'email-events': { ceiling: 460_000, measured: 449_920, reason: FLOOR },
  'email-sending': { ceiling: 480_000, measured: 467_223, reason: FLOOR },
  'campaign-audience': { ceiling: 430_000, measured: 417_628, reason: FLOOR },
  'campaign-trigger': { ceiling: 420_000, measured: 404_533, reason: FLOOR },
};

// Act, once for the file: one esbuild call over every entry, nothing written.
const built = buildFunctionBundles({
  functions,
  bundling: bundlingFor({ sentry: false }),
  outdir: fromRoot('cdk.out/bundle-budget-test'),
  write: false,
});

describe('function bundles', () => {
  it.each(functions.map((fn) => fn.name))('%s stays within its budget', async (name) => {
    const bundle = (await built).bundles.find((b) => b.name === name);
    expect(bundle, name).toBeDefined();
    if (!bundle) return;
    const exception = OVER_BUDGET[name as FunctionName];
    const biggest = contributors(bundle)
      .slice(0, 5)
      .map((c) => `${c.source} ${c.bytes}`)
      .join(', ');
    const limit = exception?.ceiling ?? BUNDLE_BUDGET_BYTES;
    expect(
      bundle.bytes,
      `${name}: ${bundle.bytes} bytes > ${limit} (${exception?.reason ?? 'budget'}; biggest: ${biggest})`,
    ).toBeLessThanOrEqual(limit);
    if (exception) {
      expect(bundle.bytes, `${name} fits ${BUNDLE_BUDGET_BYTES} bytes now: remove its exception`).toBeGreaterThan(
        BUNDLE_BUDGET_BYTES,
      );
    }
  });

  // What keeps the optional providers' SDKs (~350-600 KB) from being evaluated at cold start.
  it.each([
    ['shared/ai/providers/anthropic.ts', '@anthropic-ai/sdk'],
    ['shared/ai/providers/openrouter.ts', 'openai'],
    ['shared/adapters/resend-email.ts', 'resend'],
    ['shared/adapters/smtp-email.ts', 'nodemailer'],
  ])('%s (%s) is reached from the functions only through import()', async (adapter) => {
    const { metafile } = await built;
    const kinds = Object.entries(metafile.inputs)
      .filter(([file]) => !file.includes('node_modules'))
      .flatMap(([, input]) => input.imports.filter((i) => i.path === adapter).map((i) => i.kind));
    expect(kinds.length).toBeGreaterThan(0);
    expect([...new Set(kinds)]).toEqual(['dynamic-import']);
  });

  it('lists exceptions only for declared functions', () => {
    const declared = new Set<string>(functions.map((fn) => fn.name));
    expect(Object.keys(OVER_BUDGET).filter((name) => !declared.has(name))).toEqual([]);
  });
});
