/**
 * Review round 22 (c), finding 4: the OpenRouter fallback sends `strict: true` only with a schema
 * OpenAI's strict mode accepts, as the official `openai` SDK's own strict check
 * (`toStrictJsonSchema`, openai/lib/transform) judges it: OpenAI accepts `minLength`, `maxLength`,
 * `minimum`, `maximum`, `multipleOf`, `pattern`, `format`, `minItems`, `maxItems` in strict mode
 * (the agents' schemas carry them) and refuses `uniqueItems`, `prefixItems`, `patternProperties`,
 * `not`, `if`/`then`/`else`, ... (a 400). `isStrictSchema` keeps its own list (the SDK's check is
 * not bundled into the functions); this test holds it to the installed SDK's verdicts.
 */
import { isDeepStrictEqual } from 'node:util';
import { toStrictJsonSchema } from 'openai/lib/transform';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { agents } from '../../../shared/ai/agents';
import { type Agent, jsonSchemaOf } from '../../../shared/ai/agents/agent';
import { isStrictSchema } from '../../../shared/ai/providers/openrouter';

type Schema = Record<string, unknown>;

/** The SDK's verdict: accepted as sent (neither refused nor rewritten). */
function sdkAccepts(schema: Schema): boolean {
  try {
    return isDeepStrictEqual(toStrictJsonSchema(schema), schema);
  } catch {
    return false;
  }
}

/** A closed object whose one property `a` is `property`. */
const withProperty = (property: Schema): Schema => ({
  type: 'object',
  properties: { a: property },
  required: ['a'],
  additionalProperties: false,
});

const SUPPORTED: Record<string, Schema> = {
  minLength: { type: 'string', minLength: 1, maxLength: 20 },
  pattern: { type: 'string', pattern: '^[a-z]+$' },
  format: { type: 'string', format: 'email' },
  range: { type: 'number', minimum: -2, maximum: 2, multipleOf: 0.01 },
  exclusive: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
  items: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
  enum: { type: 'string', enum: ['a', 'b'], description: 'one of two' },
  anyOf: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  // A property named as a keyword strict mode refuses is only a name.
  namedNot: { type: 'object', properties: { not: { type: 'string' } }, required: ['not'], additionalProperties: false },
};

const REFUSED: Record<string, Schema> = {
  uniqueItems: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  prefixItems: { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'string' } },
  tupleItems: { type: 'array', items: [{ type: 'string' }] },
  contains: { type: 'array', items: { type: 'string' }, contains: { const: 'a' } },
  not: { type: 'string', not: { const: 'a' } },
  // JSON text: an object literal with a `then` key reads as a thenable to the linter.
  ifThenElse: JSON.parse('{"type":"string","if":{"const":"a"},"then":{"minLength":1},"else":{"maxLength":2}}'),
  patternProperties: {
    type: 'object',
    properties: {},
    patternProperties: { '^x': { type: 'string' } },
    required: [],
    additionalProperties: false,
  },
  minProperties: { type: 'object', properties: {}, required: [], additionalProperties: false, minProperties: 1 },
  dependentRequired: {
    type: 'object',
    properties: { b: { type: 'string' } },
    required: ['b'],
    additionalProperties: false,
    dependentRequired: { b: ['b'] },
  },
  openObject: { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] },
  optionalProperty: {
    type: 'object',
    properties: { b: { type: 'string' } },
    required: [],
    additionalProperties: false,
  },
};

describe('isStrictSchema agrees with the openai SDK on the strict subset', () => {
  for (const [name, property] of Object.entries(SUPPORTED)) {
    it(`accepts ${name}`, () => {
      const schema = withProperty(property);
      expect({ sdk: sdkAccepts(schema), ours: isStrictSchema(schema) }).toEqual({ sdk: true, ours: true });
    });
  }
  for (const [name, property] of Object.entries(REFUSED)) {
    it(`refuses ${name}`, () => {
      const schema = withProperty(property);
      expect({ sdk: sdkAccepts(schema), ours: isStrictSchema(schema) }).toEqual({ sdk: false, ours: false });
    });
  }

  it("every agent's output schema is strict as sent, length and range keywords included", () => {
    for (const agent of Object.values(agents) as Agent<unknown, unknown>[]) {
      const schema = jsonSchemaOf(agent);
      expect({ agent: agent.name, sdk: sdkAccepts(schema), ours: isStrictSchema(schema) }).toEqual({
        agent: agent.name,
        sdk: true,
        ours: true,
      });
    }
  });

  it('zod schemas outside the subset are sent non-strict (a tuple, a record, a set-like array)', () => {
    for (const schema of [
      z.object({ a: z.tuple([z.string(), z.number()]) }),
      z.object({ a: z.record(z.string(), z.string()) }),
      z.object({ a: z.string().optional() }),
    ]) {
      const json = z.toJSONSchema(schema) as Schema;
      expect({ sdk: sdkAccepts(json), ours: isStrictSchema(json) }).toEqual({ sdk: false, ours: false });
    }
  });
});
