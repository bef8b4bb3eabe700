/**
 * Review round 22 (c), the class of test/integration/r22c-ai-output-unstorable-number.test.ts: a
 * model's answer that passes an agent's output schema must be storable as it is (the call record,
 * the contact's AI signals). DynamoDB keeps numbers of magnitude 1e-130 to under 1e126 (and 0);
 * a range check alone lets 1e-200 through. For every agent and every number of its output schema
 * (found in the JSON Schema the provider gets, so a new agent or field is covered without a change
 * here), an extreme answer is refused by the schema (the repair path) or parsed into a storable figure.
 */
import { describe, expect, it } from 'vitest';
import { sampleFromSchema } from '../../../lib/local/emulators/json-schema-sample';
import { type Agent, agents } from '../../../shared/ai/agents';
import { jsonSchemaOf, modelFigure, parseOutput } from '../../../shared/ai/agents/agent';

type Schema = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Paths of every number in `value` that `schema` types as a number or integer (arrays given one item when empty). */
function numberPaths(schema: Schema, value: unknown, path: Path = []): { path: Path; schema: Schema }[] {
  const type = schema.type;
  if (type === 'number' || type === 'integer') return [{ path, schema }];
  if (type === 'object' && typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    return Object.entries(properties).flatMap(([key, child]) =>
      numberPaths(child, (value as Record<string, unknown>)[key], [...path, key]),
    );
  }
  if (type === 'array' && Array.isArray(value)) {
    const items = schema.items as Schema;
    if (value.length === 0) value.push(sampleFromSchema(items, path.join('.')));
    return value.flatMap((item, i) => numberPaths(items, item, [...path, i]));
  }
  return [];
}

function setAt(target: unknown, path: Path, next: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = next;
}

function getAt(target: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], target);
}

/** What DynamoDB stores: 0, or a finite magnitude within [1e-130, 1e126), at most 38 significant digits. */
const storable = (n: number): boolean =>
  n === 0 || (Number.isFinite(n) && Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126 && String(n).length <= 45);

const EXTREMES = [1e-200, -1e-200, 5e-324, 1e-131, 1.23456789e-7, 0.123456789, 1e200, -1e200, 1e126];

describe('every number of every agent output schema is storable once parsed', () => {
  for (const [name, agent] of Object.entries(agents) as [string, Agent<unknown, unknown>][]) {
    const schema = jsonSchemaOf(agent);
    const sample = sampleFromSchema(schema, `r22c-${name}`);
    it(`${name}: its sample answer is valid, and each of its numbers is bounded`, () => {
      expect(parseOutput(agent.output, JSON.stringify(sample)).ok).toBe(true);
      for (const { path, schema: node } of numberPaths(schema, sample)) {
        expect({ path, minimum: typeof node.minimum, maximum: typeof node.maximum }).toEqual({
          path,
          minimum: 'number',
          maximum: 'number',
        });
      }
    });

    it(`${name}: an extreme number is refused or parsed into a storable figure`, () => {
      for (const { path } of numberPaths(schema, sample)) {
        for (const extreme of EXTREMES) {
          const answer = structuredClone(sample);
          setAt(answer, path, extreme);
          const parsed = parseOutput(agent.output, JSON.stringify(answer));
          if (!parsed.ok) continue;
          const kept = getAt(parsed.value, path) as number;
          expect(storable(kept), `${path.join('.')} = ${extreme} was kept as ${kept}`).toBe(true);
        }
      }
    });
  }

  it('modelFigure keeps two decimals, within its bounds, and is a plain bounded number to the provider', () => {
    const figure = modelFigure(-2, 2);
    expect(figure.parse(1e-200)).toBe(0);
    expect(figure.parse(-1.23456)).toBe(-1.23);
    expect(figure.parse(1.999)).toBe(2);
    expect(figure.safeParse(2.5).success).toBe(false);
    expect(jsonSchemaOf({ output: figure })).toEqual({ type: 'number', minimum: -2, maximum: 2 });
  });
});
