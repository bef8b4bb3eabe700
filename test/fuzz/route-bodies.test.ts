/**
 * Keeps the fuzz suite's table of bodies complete: a state-changing route without an entry
 * would only ever get generic junk, never a body that reaches its store with an extreme
 * number in it. Where a route's schema is exported, the sample must fit it and carry every
 * numeric field the schema has.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { routes } from '../../lib/definition';
import { agentRequest } from '../../shared/ai/agents';
import { queueAiCallBody } from '../../shared/ai/ai-call';
import { approveBody } from '../../shared/campaigns/ai-copy';
import { promoteBody } from '../../shared/campaigns/promotion';
import { contactCreateSchema, contactPatchSchema } from '../../shared/crm/contacts/contact-fields';
import { interactionRequestSchema } from '../../shared/crm/contacts/record-interaction-once';
import { scoringRulesSchema } from '../../shared/crm/scoring/rules';
import { oneOffSendBody } from '../../shared/email/send-request';
import { type Json, leaves, ROUTE_BODIES } from './route-bodies';

const known = {
  email: 'owner@example.com',
  password: 'a sturdy passphrase',
  userId: 'user-1',
  organizationId: 'org-1',
  loginEmail: 'member@example.com',
  loginPassword: 'another sturdy passphrase',
};
/** A route's sample as sent: `{{unique}}` filled in, as the fuzzer does per request. */
const sample = (routeId: string) =>
  JSON.parse(JSON.stringify(ROUTE_BODIES[routeId]?.sample?.(known) ?? null).replaceAll('{{unique}}', 'u1')) as Json;

/**
 * `a.b.c` of every property a JSON Schema types as a number (or leaves untyped); array items as
 * `*`, record values as `{}`.
 */
function numericPaths(schema: unknown, path: string[] = []): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const here = s.type === 'number' || s.type === 'integer' ? [path.join('.')] : [];
  const props = Object.entries((s.properties ?? {}) as Record<string, unknown>).flatMap(([k, v]) =>
    numericPaths(v, [...path, k]),
  );
  const items = s.items ? numericPaths(s.items, [...path, '*']) : [];
  const anyValue = s.additionalProperties === true || JSON.stringify(s.additionalProperties) === '{}';
  const values = anyValue
    ? [[...path, '{}'].join('.')]
    : s.additionalProperties
      ? numericPaths(s.additionalProperties, [...path, '{}'])
      : [];
  const unions = [...((s.anyOf ?? []) as unknown[]), ...((s.oneOf ?? []) as unknown[])].flatMap((v) =>
    numericPaths(v, path),
  );
  return [...here, ...props, ...items, ...values, ...unions];
}

const samplePaths = (value: Json) =>
  new Set(
    leaves(value).flatMap((l) =>
      typeof l.value === 'number' ? [l.path.map((p) => (typeof p === 'number' ? '*' : p)).join('.')] : [],
    ),
  );

describe('fuzz body table', () => {
  it('has an entry for every declared state-changing route, and none for undeclared ones', () => {
    const stateChanging = routes.filter((r) => !['GET', 'HEAD'].includes(r.method)).map((r) => r.id);
    const missing = stateChanging.filter((id) => !(id in ROUTE_BODIES));
    expect(missing, 'add these routes to test/fuzz/route-bodies.ts').toEqual([]);
    const declared = new Set(routes.map((r) => r.id));
    expect(Object.keys(ROUTE_BODIES).filter((id) => !declared.has(id))).toEqual([]);
  });

  it('gives a sample to every route whose operation reads a body', () => {
    // Routes that take no body are the deletes and the record actions; the rest need a sample.
    const bodiless = new Set([
      'auth.logout',
      'contacts.restore',
      'alerts.acknowledge',
      'alerts.resolve',
      'campaigns.publish',
      'campaigns.pause',
      'campaigns.resume',
      'campaigns.archive',
      'campaigns.exit',
      'campaigns.retry',
      'campaigns.launch-resume',
      'campaigns.ai-drafts.create',
    ]);
    for (const route of routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
      const spec = ROUTE_BODIES[route.id];
      if (bodiless.has(route.id)) continue;
      expect(spec?.sample !== undefined || spec?.contentType === 'text/csv', route.id).toBe(true);
    }
  });

  it('samples fit the exported schemas', () => {
    expect(contactCreateSchema.safeParse(sample('contacts.create')).success).toBe(true);
    expect(contactPatchSchema.safeParse(sample('contacts.update')).success).toBe(true);
    expect(interactionRequestSchema.safeParse(sample('interactions.create')).success).toBe(true);
    expect(oneOffSendBody.safeParse(sample('emails.send')).success).toBe(true);
    expect(promoteBody.safeParse(sample('campaigns.promote')).success).toBe(true);
    expect(approveBody.safeParse(sample('campaigns.ai-drafts.approve')).success).toBe(true);
    expect(queueAiCallBody.safeParse(sample('ai.calls.create')).success).toBe(true);
    expect(agentRequest.safeParse(sample('ai.preview')).success).toBe(true);
    expect(scoringRulesSchema.safeParse((sample('scoring-rules.put') as { rules: unknown }).rules).success).toBe(true);
  });

  it('samples carry every numeric field of the exported schemas (so extreme numbers reach each one)', () => {
    const cases: Array<[string, z.core.$ZodType, (body: Json) => Json]> = [
      ['contacts.create', contactCreateSchema, (b) => b],
      ['contacts.update', contactPatchSchema, (b) => b],
      ['interactions.create', interactionRequestSchema, (b) => b],
      ['scoring-rules.put', scoringRulesSchema, (b) => (b as { rules: Json }).rules],
    ];
    for (const [routeId, schema, part] of cases) {
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      const wanted = numericPaths(json).filter((p) => p !== '');
      expect(wanted.length, routeId).toBeGreaterThan(0);
      const have = samplePaths(part(sample(routeId)));
      // A record's values (customFields.{}, weights.{}) are reached through the table's freeForm paths.
      const freeForm = new Set((ROUTE_BODIES[routeId]?.freeForm ?? []).map((p) => p.join('.').replace(/^rules\./, '')));
      const missing = wanted.filter((p) =>
        p.includes('{}') ? !freeForm.has(p.slice(0, p.indexOf('.{}'))) : !have.has(p),
      );
      expect(missing, `${routeId}: numeric fields the fuzzer would never set`).toEqual([]);
    }
  });
});
