// Review round 26 (f), the class: an error code a handler answers that the API contract does not declare.
/**
 * docs/openapi.json (and docs/API.md) declare each route's error answers from the route
 * declarations and the code lists of lib/api-docs/error-responses.ts. Those lists were kept by
 * hand, with nothing comparing them to the code, and fell behind it (401 INVALID_CREDENTIALS,
 * 403 OWNER_IMMUTABLE, 404 CAMPAIGN_NOT_FOUND, ... were answered and never declared:
 * test/e2e/r26f-openapi-undeclared-error-answers.test.ts). This test reads the code base's own
 * error constructors (`new XxxError(..., 'CODE')`, every AppError subclass's fixed code, every
 * hand-built `{ status, body: { code } }`: lib/api-docs/thrown-codes.ts) and checks, both ways:
 *
 * - every code the code base builds is in the generated document at the status it is built with
 *   (on some operation, or in the shared answers), unless `NOT_ANSWERED` says why no client gets
 *   it: a new `throw new ConflictError('...', 'NEW_CODE')` fails here until it is declared;
 * - every code the document declares is one the code base builds, at that status;
 * - every route a code is declared for runs code (its function's import closure) that builds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUSES, NOT_ANSWERED } from '../../lib/api-docs/error-responses';
import { importClosure, scanThrownCodes } from '../../lib/api-docs/thrown-codes';
import { routes } from '../../lib/definition';

const ROOT = path.resolve(import.meta.dirname, '../..');
const thrown = scanThrownCodes(ROOT);
const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8')) as {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { $ref?: string; content?: Record<string, { examples?: Record<string, unknown> }> }> }
    >
  >;
};

/** `"<status> <code>"` → the route ids whose operation declares it as its own answer. */
const declaredByRoute = new Map<string, Set<string>>();
for (const r of routes) {
  const responses = doc.paths[r.path]?.[r.method.toLowerCase()]?.responses ?? {};
  for (const [status, answer] of Object.entries(responses)) {
    if (answer.$ref) continue;
    for (const code of Object.keys(answer.content?.['application/json']?.examples ?? {})) {
      const key = `${status} ${code}`;
      if (!declaredByRoute.has(key)) declaredByRoute.set(key, new Set());
      declaredByRoute.get(key)?.add(r.id);
    }
  }
}
const shared = new Set(Object.entries(ERROR_STATUSES).flatMap(([status, s]) => s.codes.map((c) => `${status} ${c}`)));
const built = new Set(thrown.map((t) => `${t.status} ${t.code}`));

describe('r26f-fix: the error codes the code builds and the ones the API contract declares are the same', () => {
  it('the scan finds the codes it must (a sanity check of the scanner)', () => {
    for (const known of [
      '401 INVALID_CREDENTIALS',
      '401 INVALID_WEBHOOK_SIGNATURE',
      '409 AI_COPY_NOT_APPROVED',
      '429 LOGIN_THROTTLED',
      '404 CONTACT_NOT_FOUND',
      '400 INVALID_BODY_ENCODING',
      '422 IDEMPOTENCY_KEY_REUSED',
    ]) {
      expect(built).toContain(known);
    }
  });

  it('every code built is declared at its status (or NOT_ANSWERED says why no client gets it)', () => {
    const undeclared = [...built]
      .filter((key) => !shared.has(key) && !declaredByRoute.has(key))
      .filter((key) => NOT_ANSWERED[key.split(' ')[1] as string] === undefined)
      .map((key) => `${key} (${thrown.find((t) => `${t.status} ${t.code}` === key)?.file})`);
    expect(undeclared, 'declare these in lib/api-docs/error-responses.ts, then npm run docs:api').toEqual([]);
  });

  it('every declared code is one the code builds, at that status', () => {
    // INTERNAL is the error edge's own answer to a bug (shared/http/error-response.ts), built without a class.
    const stale = [...shared, ...declaredByRoute.keys()].filter((key) => !built.has(key) && key !== '500 INTERNAL');
    expect(stale).toEqual([]);
    const notAnswered = Object.keys(NOT_ANSWERED).filter((code) =>
      [...shared, ...declaredByRoute.keys()].some((key) => key.endsWith(` ${code}`)),
    );
    expect(notAnswered, 'codes both declared and listed as never answered').toEqual([]);
  });

  it('every route a code is declared for runs code that builds it', () => {
    const closures = new Map<string, Set<string>>();
    const closureOf = (fn: string) => {
      if (!closures.has(fn)) closures.set(fn, importClosure(ROOT, `functions/${fn}.ts`));
      return closures.get(fn) as Set<string>;
    };
    const unreachable: string[] = [];
    for (const [key, ids] of declaredByRoute) {
      const files = thrown.filter((t) => `${t.status} ${t.code}` === key).map((t) => t.file);
      for (const id of ids) {
        const r = routes.find((route) => route.id === id);
        if (!r || !files.some((f) => closureOf(r.function).has(f))) unreachable.push(`${key} on ${id}`);
      }
    }
    expect(unreachable).toEqual([]);
  });
});
