/**
 * A small, deterministic instance of a JSON Schema, for the AI stand-ins: what a model would
 * answer under structured output, minus the judgement. Seeded by the request's input, so two
 * contacts get different answers and the same contact always the same one.
 *
 * Covers what the agents' zod schemas produce (`z.toJSONSchema`): objects (every property),
 * strings (length, `format`, a "150-200 words" range in the description), enums and consts,
 * numbers and integers within their bounds, booleans, arrays within min/max items, `anyOf` /
 * `oneOf` (first non-null branch), `allOf` (merged), nullable type lists and `$ref` into
 * `$defs`/`definitions`. Constraints the Anthropic SDK moved into a description as a trailing
 * `{minItems: 3, maxLength: 80}` are read back from there, as a model would read them.
 */
import { createHash } from 'node:crypto';

type Schema = Record<string, unknown>;

const WORDS = [
  'local',
  'stand-in',
  'answer',
  'contact',
  'campaign',
  'follow',
  'up',
  'offer',
  'update',
  'product',
  'interest',
  'team',
  'demo',
  'pricing',
  'next',
  'week',
  'review',
  'plan',
  'value',
  'thanks',
];

const MAX_DEPTH = 12;

/** A valid instance of `schema`, the same for the same `seed`. */
export function sampleFromSchema(schema: Schema, seed: string): unknown {
  return sample(schema, schema, `${seed}`, 0);
}

function sample(node: Schema, root: Schema, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  const s = withDescribedConstraints(resolveRef(node, root));
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[pick(path, s.enum.length)];
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const nonNull = branches.find((b) => resolveRef(b, root).type !== 'null') ?? branches[0];
    return sample(nonNull as Schema, root, path, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    const merged = (s.allOf as Schema[]).map((part) => sample(part, root, path, depth + 1));
    return Object.assign({}, ...merged.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object':
      return sampleObject(s, root, path, depth);
    case 'array':
      return sampleArray(s, root, path, depth);
    case 'string':
      return sampleString(s, path);
    case 'integer':
    case 'number':
      return sampleNumber(s, path, type === 'integer');
    case 'boolean':
      return pick(path, 2) === 1;
    case 'null':
      return null;
    default:
      return typeof s.properties === 'object' ? sampleObject(s, root, path, depth) : sampleString(s, path);
  }
}

function sampleObject(s: Schema, root: Schema, path: string, depth: number): Record<string, unknown> {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  return Object.fromEntries(
    Object.entries(properties).map(([key, child]) => [key, sample(child, root, `${path}.${key}`, depth + 1)]),
  );
}

function sampleArray(s: Schema, root: Schema, path: string, depth: number): unknown[] {
  const min = num(s.minItems) ?? 1;
  const max = num(s.maxItems) ?? Math.max(min, 1);
  const count = Math.max(0, Math.min(Math.max(min, 1), max));
  const items = (s.items ?? {}) as Schema;
  const resolved = resolveRef(items, root);
  // Distinct enum values when uniqueness is asked for (or there are enough to go round).
  const choices = Array.isArray(resolved.enum) ? (resolved.enum as unknown[]) : undefined;
  if (choices && choices.length >= count) {
    const start = pick(path, choices.length);
    return Array.from({ length: count }, (_, i) => choices[(start + i) % choices.length]);
  }
  const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as Schema[]) : [];
  return Array.from({ length: Math.max(count, prefix.length) }, (_, i) =>
    sample(prefix[i] ?? items, root, `${path}[${i}]`, depth + 1),
  );
}

function sampleString(s: Schema, path: string): string {
  const n = pick(path, 1000);
  switch (s.format) {
    case 'email':
      return `contact-${n}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/local/${n}`;
    case 'date-time':
      return new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
    case 'date':
      return new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    case 'uuid': {
      const h = createHash('sha256').update(path).digest('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }
  }
  const minLength = num(s.minLength) ?? 1;
  const maxLength = num(s.maxLength) ?? Number.POSITIVE_INFINITY;
  const words = wordRange(s.description);
  const wanted = words ?? Math.max(3, Math.ceil(minLength / 6));
  const parts: string[] = [];
  for (let i = 0; parts.length < wanted || parts.join(' ').length < minLength; i++) {
    parts.push(WORDS[pick(`${path}#${i}`, WORDS.length)] as string);
  }
  const text = parts.join(' ');
  return text.length > maxLength
    ? text.slice(0, maxLength).trimEnd().padEnd(Math.min(minLength, maxLength), 'x')
    : text;
}

function sampleNumber(s: Schema, path: string, integer: boolean): number {
  const exclusiveMin = num(s.exclusiveMinimum);
  const exclusiveMax = num(s.exclusiveMaximum);
  let min = num(s.minimum) ?? (exclusiveMin === undefined ? 0 : exclusiveMin + (integer ? 1 : 0.01));
  let max = num(s.maximum) ?? (exclusiveMax === undefined ? min + 100 : exclusiveMax - (integer ? 1 : 0.01));
  if (integer) {
    min = Math.ceil(min);
    max = Math.floor(max);
  }
  if (max <= min) return min;
  const fraction = pick(path, 10_001) / 10_000;
  const value = min + (max - min) * fraction;
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

function resolveRef(node: Schema, root: Schema): Schema {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
    const ref = current.$ref as string;
    if (ref === '#') return root;
    const [, kind, name] = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref) ?? [];
    const target = kind && name ? ((root[kind] as Record<string, Schema> | undefined)?.[name] ?? {}) : {};
    const { $ref: _, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

/** Reads back constraints a description carries as a trailing `{key: value, ...}` (the Anthropic SDK's transform). */
function withDescribedConstraints(s: Schema): Schema {
  if (typeof s.description !== 'string') return s;
  const block = /\{([^{}]*)\}\s*$/.exec(s.description)?.[1];
  if (!block) return s;
  const extra: Schema = {};
  for (const [, key, raw] of block.matchAll(/(\w+): ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|\[[^\]]*\])/g)) {
    try {
      if (key && raw && !(key in s)) extra[key] = JSON.parse(raw);
    } catch {
      // Not JSON after all: leave that constraint out.
    }
  }
  return { ...s, ...extra };
}

/** "150-200 words" (or "150 to 200 words") in a description: the lower bound. */
function wordRange(description: unknown): number | undefined {
  if (typeof description !== 'string') return undefined;
  const match = /(\d+)\s*(?:-|–|to)\s*(\d+)[\s-]*words?/i.exec(description);
  return match ? Number(match[1]) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A stable choice in [0, n) for `key`. */
function pick(key: string, n: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % n;
}
