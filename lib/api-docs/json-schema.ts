/** zod schemas as OpenAPI 3.1 schemas (JSON Schema 2020-12), through zod's own converter. */
import * as z from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of `schema` as a client sees it: `input` for requests (before coercion and
 * defaults: a query's `limit` is a string that must read as a number), `output` for responses.
 * What JSON Schema cannot say (a transform, a refinement) is left open rather than refused: the
 * edge still enforces it, and the 400 lists what failed.
 */
export function jsonSchemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    // zod leaves a default out of a union's input (a query number: digits or an integer); a
    // client still needs to know it.
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = def.defaultValue;
    },
  });
  return rest as JsonSchema;
}

/**
 * Moves a schema's `$defs` (recursive and reused parts) into `components.schemas` under
 * `prefix`, rewriting the references: a `#/$defs/...` inside an operation would not resolve.
 */
export function hoistDefinitions(schema: JsonSchema, prefix: string, components: Record<string, JsonSchema>) {
  const defs = schema.$defs as Record<string, JsonSchema> | undefined;
  if (!defs) return schema;
  const { $defs: _, ...rest } = schema;
  const rename = (name: string) => `${prefix}.${name}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const anyJson = new Set(Object.keys(defs).filter((name) => isAnyJson(defs[name] as JsonSchema, name)));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const ref = (value as JsonSchema).$ref;
    if (typeof ref === 'string' && anyJson.has(ref.slice('#/$defs/'.length))) return { description: 'Any JSON value' };
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
          ? `#/components/schemas/${rename(v.slice('#/$defs/'.length))}`
          : rewrite(v),
      ]),
    );
  };
  for (const [name, def] of Object.entries(defs)) {
    if (!anyJson.has(name)) components[rename(name)] = rewrite(def) as JsonSchema;
  }
  return rewrite(rest) as JsonSchema;
}

/**
 * Any JSON value, recursively (zod's `z.json()`): said as an open schema, because a generated
 * TypeScript type that is a union of arrays and records of itself does not compile.
 */
function isAnyJson(def: JsonSchema, name: string): boolean {
  const self = `#/$defs/${name}`;
  const members = def.anyOf as JsonSchema[] | undefined;
  return (
    Array.isArray(members) &&
    members.some((m) => (m.items as JsonSchema | undefined)?.$ref === self) &&
    members.every(
      (m) =>
        ['string', 'number', 'boolean', 'null'].includes(m.type as string) ||
        (m.items as JsonSchema | undefined)?.$ref === self ||
        (m.additionalProperties as JsonSchema | undefined)?.$ref === self,
    )
  );
}
