/**
 * docs/openapi.json: OpenAPI 3.1 from the route declarations (lib/definition: auth, CSRF, rate
 * tier, body types) and each route's operation (shared/http/operation.ts: the zod schemas the edge
 * validates path, query and body with, and the declared success answer). `npm run docs:api`
 * writes it; test/unit/api-docs.test.ts fails when the committed copy differs or Redocly's
 * recommended ruleset finds anything.
 */

import type { DefinedOperation } from '../../shared/http/operation';
import { actsInWorkspace, apiKeysMayCall } from '../../shared/identity/permissions';
import { type Known, ROUTE_BODIES } from '../../test/fuzz/route-bodies';
import { functions, type RouteDeclaration, routes, SERVICE_NAME } from '../definition';
import {
  ERROR_SCHEMA,
  ERROR_STATUSES,
  errorExample,
  errorStatusesOf,
  type OperationShape,
  ROUTE_STATUSES,
  routeCodesOf,
} from './error-responses';
import { hoistDefinitions, type JsonSchema, jsonSchemaOf } from './json-schema';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, OpenApiOperation>> };
export type OpenApiOperation = Record<string, unknown> & { operationId: string };

export const LOCAL_SERVER = 'http://127.0.0.1:3008';

const WORKSPACE_HEADER = {
  name: 'x-workspace-id',
  in: 'header',
  required: false,
  description: 'The workspace to act in when the path names none (else `?workspaceId`, else the caller’s default).',
  schema: { type: 'string', maxLength: 64 },
};

const properties = (schema: JsonSchema) => (schema.properties ?? {}) as Record<string, JsonSchema>;
const requiredOf = (schema: JsonSchema) => new Set((schema.required ?? []) as string[]);
const describe = ({ description, ...schema }: JsonSchema) => ({ schema, description });

function parametersOf(r: RouteDeclaration, operation: DefinedOperation): JsonSchema[] {
  const path = jsonSchemaOf(operation.schemas.params, 'input');
  const query = jsonSchemaOf(operation.schemas.query, 'input');
  const inPath = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const pathParams = inPath.map((name) => {
    const { schema, description } = describe(properties(path)[name] ?? { type: 'string' });
    return { name, in: 'path', required: true, schema, ...(description ? { description } : {}) };
  });
  const required = requiredOf(query);
  const queryParams = Object.entries(properties(query)).map(([name, property]) => {
    const { schema, description } = describe(property);
    return { name, in: 'query', required: required.has(name), schema, ...(description ? { description } : {}) };
  });
  const workspace = actsInWorkspace(r) && !inPath.includes('workspaceId') ? [WORKSPACE_HEADER] : [];
  return [...pathParams, ...queryParams, ...workspace];
}

/** Nothing accepted: the default body of `defineOperation` (an empty object at most). */
const acceptsNothing = (body: JsonSchema) =>
  body.type === 'object' && Object.keys(properties(body)).length === 0 && body.additionalProperties === false;

function requestBodyOf(r: RouteDeclaration, operation: DefinedOperation, components: Record<string, JsonSchema>) {
  const schema = hoistDefinitions(jsonSchemaOf(operation.schemas.body, 'input'), `${r.id}.body`, components);
  if (acceptsNothing(schema)) return undefined;
  const required = !operation.schemas.body.safeParse(undefined).success;
  const types = r.bodyTypes ?? ['application/json'];
  const example = requestExample(r.id, operation);
  const content = Object.fromEntries(
    types.map((type) => [
      type,
      {
        schema: type === 'application/json' || schema.type === 'string' ? schema : { type: 'string' },
        ...(type === 'application/json' && example !== undefined ? { example } : {}),
      },
    ]),
  );
  return { required, content };
}

/** Example values for the samples' placeholders (the fuzz run fills in its own). */
const EXAMPLE_KNOWN: Known = {
  email: 'ada@example.com',
  password: 'correct horse battery staple',
  userId: 'u_3fK9x2LqVt7bYp1Z',
  organizationId: 'o_8hN2cR5wQe4mJs6T',
  loginEmail: 'ada@example.com',
  loginPassword: 'correct horse battery staple',
};

/**
 * The request example: the body the fuzz suite sends first to this route (test/fuzz/route-bodies.ts,
 * a body route-bodies.test.ts keeps accepted), kept only if the route's own schema accepts it.
 */
function requestExample(routeId: string, operation: DefinedOperation): unknown {
  const sample = ROUTE_BODIES[routeId]?.sample?.(EXAMPLE_KNOWN);
  if (sample === undefined) return undefined;
  const example = JSON.parse(JSON.stringify(sample).replaceAll('{{unique}}', '1')) as unknown;
  return operation.schemas.body.safeParse(example).success ? example : undefined;
}

function successOf(r: RouteDeclaration, operation: DefinedOperation, components: Record<string, JsonSchema>) {
  const declared = operation.schemas.response;
  if (!declared) {
    // Not declared yet: any 2xx, so the reference says so instead of guessing a shape.
    return { '2XX': { description: 'Success (the body’s shape is not declared yet)' } };
  }
  const description = declared.description ?? 'Success';
  // A redirect is the route's answer (tracked links): anything else it says is an error, so `default` (the error body).
  const otherwise =
    declared.status >= 300 && declared.status < 400
      ? {
          default: {
            description: 'Any other answer: an error',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        }
      : {};
  if (!declared.schema || r.method === 'HEAD') return { [declared.status]: { description }, ...otherwise };
  const schema = hoistDefinitions(jsonSchemaOf(declared.schema, 'output'), `${r.id}.response`, components);
  const media = { schema, ...(declared.example !== undefined ? { example: declared.example } : {}) };
  return { [declared.status]: { description, content: { [declared.contentType ?? 'application/json']: media } } };
}

function errorResponsesOf(r: RouteDeclaration, operation: OperationShape) {
  const out: Record<string, unknown> = {};
  for (const status of errorStatusesOf(r, operation)) {
    const own = routeCodesOf(r, status, operation);
    const common = ERROR_STATUSES[status];
    if (common && own.length === 0) {
      out[status] = { $ref: `#/components/responses/${common.reason.replaceAll(' ', '')}` };
      continue;
    }
    // A public route's 401 is its own check (credentials, a signature), never a missing session.
    const shared = common && !(status === '401' && r.auth !== 'user') ? common : undefined;
    const reason = common?.reason ?? ROUTE_STATUSES[status]?.reason ?? 'Error';
    const base =
      shared?.description ??
      ROUTE_STATUSES[status]?.description ??
      (status === '401' ? 'The credentials or the signature the route checks are not valid.' : '');
    const named = own.map((c) => `\`${c}\``).join(', ');
    // The shared codes stay in the shared answer (its description names them); the examples are the route's own.
    const description = shared
      ? `${base} Besides those (\`#/components/responses/${reason.replaceAll(' ', '')}\`: ${shared.codes.map((c) => `\`${c}\``).join(', ')}), this route answers ${named}.`
      : `${base} Codes: ${named}.`;
    const examples = Object.fromEntries(own.map((code) => [code, { value: errorExample(reason, code) }]));
    out[status] = {
      description,
      ...(common?.retryAfter
        ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples } },
    };
  }
  return out;
}

function securityOf(r: RouteDeclaration) {
  if (r.auth === 'public') return r.csrf ? [{ csrfToken: [] }] : [];
  const session = r.csrf ? { session: [], csrfToken: [] } : { session: [] };
  return apiKeysMayCall(r) ? [session, { apiKey: [] }] : [session];
}

function whoOf(r: RouteDeclaration): string {
  if (r.auth === 'public') return 'Public.';
  if (!actsInWorkspace(r)) return 'A session only (API keys get 403 `API_KEY_NOT_ALLOWED`).';
  const needs = r.permission ? `Needs \`${r.permission}\` in the workspace` : 'Open to any member of the workspace';
  const how = apiKeysMayCall(r)
    ? `${needs} (a session, or an API key within its scopes).`
    : `${needs}, from a session only: it widens access or mints a credential (API keys get 403 \`API_KEY_NOT_ALLOWED\`).`;
  return r.permission
    ? how
    : `${how} The operation decides from the caller’s permissions, as the summary says (else 403 \`PERMISSION_DENIED\`).`;
}

/** Bytes as the API states them: `4,096 bytes (4 KiB)`. */
const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes${n % 1024 === 0 ? ` (${n / 1024} KiB)` : ''}`;

function descriptionOf(r: RouteDeclaration): string {
  const who = whoOf(r);
  const does = r.sendsMail ? 'sends mail' : r.handsOutAccess ? 'hands out access' : undefined;
  const verified = does
    ? ` It ${does}: the caller’s own email address must be verified (else 403 \`EMAIL_NOT_VERIFIED\`).`
    : '';
  const csrf = r.csrf ? ' Needs `x-csrf-token` and a same-site Origin (API keys without cookies are exempt).' : '';
  const limit = r.maxBodyBytes !== undefined ? ` Body limit: ${bytes(r.maxBodyBytes)}; a larger body is a 413.` : '';
  return `${who}${verified}${csrf}${limit} Rate tier: \`${r.rateTier}\`.`;
}

function componentResponses() {
  return Object.fromEntries(
    Object.values(ERROR_STATUSES).map(({ reason, description, codes, retryAfter }) => [
      reason.replaceAll(' ', ''),
      {
        description,
        ...(retryAfter
          ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
          : {}),
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
            examples: Object.fromEntries(codes.map((code) => [code, { value: errorExample(reason, code) }])),
          },
        },
      },
    ]),
  );
}

/** The OpenAPI document of every declared route, from `operations` (lib/api-docs/load-operations.ts). */
export function renderOpenApi(operations: ReadonlyMap<string, DefinedOperation>): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  const paths: OpenApiDocument['paths'] = {};
  for (const r of routes) {
    const operation = operations.get(r.id);
    if (!operation) throw new Error(`Route ${r.id} has no loaded operation`);
    const parameters = parametersOf(r, operation);
    const requestBody = requestBodyOf(r, operation, schemas);
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, OpenApiOperation>)[r.method.toLowerCase()] = {
      operationId: r.id,
      summary: r.summary,
      description: descriptionOf(r),
      tags: [r.function],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      security: securityOf(r),
      'x-unite-hub': {
        csrf: r.csrf,
        rateTier: r.rateTier,
        function: r.function,
        permission: r.permission ?? null,
        ...(r.anyMember ? { anyMember: true } : {}),
      },
      responses: {
        ...successOf(r, operation, schemas),
        ...errorResponsesOf(r, {
          queryParams: parameters.filter((p) => p.in === 'query').map((p) => String(p.name)),
        }),
      },
    };
  }
  const used = new Set(routes.map((r) => r.function as string));
  return {
    openapi: '3.1.0',
    info: {
      title: `${SERVICE_NAME} API`,
      version: '0.1.0',
      description:
        'Generated from the route declarations and the zod schemas the edge validates with (`npm run docs:api`).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: LOCAL_SERVER, description: 'The local runtime (`npm start`)' },
      {
        url: 'https://{host}',
        description: 'A deployed stage: its CloudFront domain, the `ApiUrl` output of `npm run deploy`',
        variables: { host: { default: 'd1234abcd.cloudfront.net', description: 'The stage’s public host' } },
      },
    ],
    tags: functions.filter((f) => used.has(f.name)).map((f) => ({ name: f.name, description: f.description })),
    paths,
    components: {
      schemas,
      responses: componentResponses(),
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'session',
          description: 'Set by log-in and sign-up (HttpOnly).',
        },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: 'x-csrf-token',
          description:
            'The session’s CSRF token (`csrfToken` in the log-in and sign-up answers, or `GET /api/csrf-token`); without a session, the `csrf-token` cookie’s value.',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'uh_ + 32 hex',
          description: '`Authorization: Bearer uh_…`',
        },
      },
    },
  };
}
