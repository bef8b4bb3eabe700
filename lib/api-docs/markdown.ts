/**
 * docs/API.md: the route table, then each route's inputs (path, query, body fields with their
 * types) and its success answer, read from the OpenAPI document so the two never disagree.
 */

import { actsInWorkspace, apiKeysMayCall } from '../../shared/identity/permissions';
import type { RouteDeclaration } from '../definition';
import { routes } from '../definition';
import type { JsonSchema } from './json-schema';
import type { OpenApiDocument, OpenApiOperation } from './openapi';

function who(r: RouteDeclaration): string {
  if (r.auth === 'public') return 'public';
  if (!actsInWorkspace(r)) return 'session only';
  const needs = r.permission ? `\`${r.permission}\`` : 'any member';
  return apiKeysMayCall(r) ? needs : `${needs}, session only`;
}

/** A short type label: `string`, `"a" \| "b"`, `string[]`, `{ a: string, b?: integer }`, `integer 1..100`. */
function typeOf(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || Object.keys(schema).length === 0) return 'any';
  if (schema.$ref) return String(schema.$ref).split('/').pop() ?? 'object';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map((member) => typeOf(member, depth)).join(' \\| ');
  if (schema.type === 'array') return `${typeOf(schema.items as JsonSchema, depth)}[]`;
  // One level of nesting spelled out (a contact's fields inside `{ contact }`); deeper ones stay `object`.
  if (schema.type === 'object' && schema.properties && depth < 1)
    return `{ ${fieldRows(schema, depth + 1).join(', ')} }`;
  const range =
    schema.minimum !== undefined || schema.maximum !== undefined
      ? ` ${schema.minimum ?? ''}..${schema.maximum ?? ''}`
      : '';
  return `${Array.isArray(schema.type) ? schema.type.join(' \\| ') : String(schema.type ?? 'any')}${range}`;
}

function fieldRows(schema: JsonSchema, depth = 0): string[] {
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, field]) => `\`${name}\`${required.has(name) ? '' : '?'}: ${typeOf(field, depth)}`,
  );
}

function inputsOf(operation: OpenApiOperation): string[] {
  const lines: string[] = [];
  const parameters = (operation.parameters ?? []) as Array<{
    name: string;
    in: string;
    required: boolean;
    schema: JsonSchema;
  }>;
  for (const where of ['path', 'query'] as const) {
    const own = parameters.filter((p) => p.in === where);
    if (own.length > 0) {
      lines.push(
        `- ${where}: ${own.map((p) => `\`${p.name}\`${p.required ? '' : '?'}: ${typeOf(p.schema)}`).join(', ')}`,
      );
    }
  }
  const body = operation.requestBody as
    | { required: boolean; content: Record<string, { schema: JsonSchema }> }
    | undefined;
  if (body) {
    for (const [type, { schema }] of Object.entries(body.content)) {
      const fields = schema.type === 'object' ? fieldRows(schema) : [];
      lines.push(
        `- body${body.required ? '' : ' (optional)'} \`${type}\`: ${fields.length > 0 ? fields.join(', ') : typeOf(schema)}`,
      );
    }
  }
  const responses = operation.responses as Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
  const success = Object.entries(responses).find(([status]) => status.startsWith('2'));
  if (success) {
    const [status, answer] = success;
    const [type, media] = Object.entries(answer.content ?? {})[0] ?? [];
    const fields = media?.schema.type === 'object' ? fieldRows(media.schema) : [];
    const shape = media ? ` \`${type}\`${fields.length > 0 ? `: ${fields.join(', ')}` : ''}` : '';
    lines.push(`- answers ${status}${shape}`);
  }
  // The route's own error codes (the shared ones are in the Errors note above).
  const own = Object.entries(
    operation.responses as Record<string, { $ref?: string; content?: Record<string, { examples?: object }> }>,
  )
    .filter(([status, answer]) => /^[45]/.test(status) && !answer.$ref)
    .map(([status, answer]) => {
      const codes = Object.keys(answer.content?.['application/json']?.examples ?? {});
      return `${status} ${codes.map((c) => `\`${c}\``).join(', ')}`;
    });
  if (own.length > 0) lines.push(`- also refuses: ${own.join('; ')}`);
  return lines;
}

/** What a route needs beyond its auth column: a verified address, a smaller body limit. */
function needsOf(r: RouteDeclaration): string[] {
  const lines: string[] = [];
  if (r.sendsMail || r.handsOutAccess)
    lines.push(
      `- needs a verified email address (it ${r.sendsMail ? 'sends mail' : 'hands out access'}; else 403 \`EMAIL_NOT_VERIFIED\`)`,
    );
  if (r.maxBodyBytes !== undefined)
    lines.push(`- body limit: ${r.maxBodyBytes.toLocaleString('en-US')} bytes (else 413)`);
  return lines;
}

export function renderApiMarkdown(doc: OpenApiDocument): string {
  const rows = routes
    .map((r) => `| ${r.method} | \`${r.path}\` | ${who(r)} | ${r.csrf ? 'yes' : '—'} | ${r.rateTier} | ${r.summary} |`)
    .join('\n');
  const details = routes
    .map((r) => {
      const operation = doc.paths[r.path]?.[r.method.toLowerCase()] as OpenApiOperation;
      return [
        `### ${r.method} \`${r.path}\` (\`${r.id}\`)`,
        '',
        r.summary,
        '',
        ...needsOf(r),
        ...inputsOf(operation),
      ].join('\n');
    })
    .join('\n\n');
  return `# API reference

Generated from \`lib/definition/\` and the functions' zod schemas by \`npm run docs:api\`; do not edit
by hand. The full contract, with every schema and example: [openapi.json](openapi.json) (OpenAPI 3.1).

- **Auth**: \`public\`, \`session only\` (account-level routes: a session cookie; API keys get 403
  \`API_KEY_NOT_ALLOWED\`), or the permission a workspace-scoped route needs (a session, or
  \`Authorization: Bearer uh_…\` acting in its own workspace within its scopes). *any member*: a
  workspace route whose operation decides from the caller's permissions (its summary says how;
  its refusal is 403 \`PERMISSION_DENIED\` too). Marked *session only*: the route widens access
  or mints a credential (API keys, invitations, webhook tokens, signing secrets, role changes and
  definitions), so it refuses keys too: nothing a leaked key hands out outlives its revocation.
  The workspace is the path's \`{workspaceId}\`, else the \`x-workspace-id\` header, else
  \`?workspaceId\`, else the caller's default. Not a member: 404. A malformed or over-long id anywhere: 400 \`INVALID_ID\`.
- **CSRF**: state-changing routes marked *yes* need \`x-csrf-token\` and a same-site
  Origin/Referer. Signed in, the token is the session's own (in the log-in and sign-up answers as
  \`csrfToken\`, and from \`GET /api/csrf-token\`); without a session, the value of the
  \`csrf-token\` cookie that \`GET /api/csrf-token\` sets. Calls with a verified API key and no
  cookies are exempt; a made-up or revoked key is not.
- **Rate tier**: per-client limits (public 20/min, authenticated 100/min, premium 1000/min,
  ai 10/min, email 50/h), on top of 10 req/s (burst 20) per client on /api and 100 req/s per
  address overall. The client is the user of a verified API key, else the address. \`exempt\`
  routes (health) are never limited when asked without a query; \`?deep=1\` counts as public.
  \`link\` routes (unsubscribe and tracking links in mail) have only the 100 req/s per address:
  one address often carries many people's requests (a mailbox provider's one-click unsubscribes).
  \`hook\` routes (a campaign's webhook trigger, authenticated by the secret token in its URL)
  have the 10 req/s (burst 20) and the 100 req/s per address: one sender posts every enrolment.
- **Errors**: every 4xx/5xx body is \`{error, message, code, requestId, details?}\`. The shared
  codes (a bad id, a missing session, the CSRF check, a missing permission, a rate limit, ...)
  apply by what the table says; *also refuses* under a route lists the codes of its own checks
  (openapi.json has each one's meaning).
- **Fields** below: \`name?\` is optional; \`a \\| b\` is either.

| method | path | auth | CSRF | rate tier | what |
| --- | --- | --- | --- | --- | --- |
${rows}

## Routes

${details}
`;
}
