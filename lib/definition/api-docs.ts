/** The API reference, rendered from the route declarations (Markdown and OpenAPI 3.1). */
import { routes, SERVICE_NAME } from './index';
import type { RouteDeclaration } from './types';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'message', 'code', 'requestId'],
  properties: {
    error: { type: 'string', description: 'HTTP reason, e.g. Forbidden' },
    message: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. CSRF_TOKEN_INVALID' },
    requestId: { type: 'string' },
    details: { description: 'Per-field problems for VALIDATION_FAILED' },
  },
};

const who = (r: RouteDeclaration) =>
  r.auth === 'public' ? 'public' : r.permission ? `\`${r.permission}\`` : 'session only';

export function renderApiMarkdown(): string {
  const rows = routes
    .map((r) => `| ${r.method} | \`${r.path}\` | ${who(r)} | ${r.csrf ? 'yes' : '—'} | ${r.rateTier} | ${r.summary} |`)
    .join('\n');
  return `# API reference

Generated from \`lib/definition/\` by \`npm run docs:api\`; do not edit by hand.

- **Auth**: \`public\`, \`session only\` (account-level routes: a session cookie; API keys get 403
  \`API_KEY_NOT_ALLOWED\`), or the permission a workspace-scoped route needs (a session, or
  \`Authorization: Bearer uh_…\` acting in its own workspace within its scopes). The workspace is
  the path's \`{workspaceId}\`, else the \`x-workspace-id\` header, else \`?workspaceId\`, else the
  caller's default. Not a member: 404. A malformed or over-long id anywhere: 400 \`INVALID_ID\`.
- **CSRF**: state-changing routes marked *yes* need \`x-csrf-token\` and a same-site
  Origin/Referer. Signed in, the token is the session's own (in the log-in and sign-up answers as
  \`csrfToken\`, and from \`GET /api/csrf-token\`); without a session, the value of the
  \`csrf-token\` cookie that \`GET /api/csrf-token\` sets. Calls with a verified API key and no
  cookies are exempt; a made-up or revoked key is not.
- **Rate tier**: per-client limits (public 20/min, authenticated 100/min, premium 1000/min,
  ai 10/min, email 50/h), on top of 10 req/s (burst 20) per client on /api and 100 req/s per
  address overall. The client is the user of a verified API key, else the address. \`exempt\`
  routes (health) are never limited when asked without a query; \`?deep=1\` counts as public.
- **Errors**: every 4xx/5xx body is \`{error, message, code, requestId}\`.

| method | path | auth | CSRF | rate tier | what |
| --- | --- | --- | --- | --- | --- |
${rows}
`;
}

export function renderOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      operationId: r.id,
      summary: r.summary,
      ...(params.length > 0 ? { parameters: params } : {}),
      security: r.auth === 'public' ? [] : r.permission ? [{ session: [] }, { apiKey: [] }] : [{ session: [] }],
      'x-unite-hub': { csrf: r.csrf, rateTier: r.rateTier, function: r.function, permission: r.permission ?? null },
      responses: {
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: `${SERVICE_NAME} API`, version: '0.1.0' },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'session' },
        apiKey: { type: 'http', scheme: 'bearer', description: '`uh_` + 32 hex' },
      },
    },
  };
}
