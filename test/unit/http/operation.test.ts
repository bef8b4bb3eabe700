import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { routes } from '../../../lib/definition';
import { ValidationError } from '../../../shared/errors';
import { defineOperation } from '../../../shared/http/operation';
import type { HttpRequest } from '../../../shared/http/types';

const request = (over: Partial<HttpRequest>): HttpRequest => ({
  route: routes[0] as HttpRequest['route'],
  method: 'POST',
  path: '/x',
  pathParams: {},
  query: {},
  headers: {},
  cookies: {},
  body: undefined,
  rawBody: undefined,
  requestId: 'r',
  clientAddress: '127.0.0.1',
  userAgent: '',
  host: 'localhost',
  ...over,
});

const create = defineOperation(
  {
    params: z.object({ id: z.uuid() }),
    query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
    body: z.object({ name: z.string().min(1).max(50) }).strict(),
  },
  ({ params, query, body }) => ({ status: 201, body: { id: params.id, dryRun: query.dryRun, name: body.name } }),
);
const id = '6f1c2a9e-3b7d-4c1e-9a2b-1d2e3f4a5b6c';

describe('defineOperation', () => {
  it('hands the use case parsed, typed input', async () => {
    const res = await create(
      request({ pathParams: { id }, query: { dryRun: 'true', utm: 'x' }, body: { name: 'Ann' } }),
    );
    expect(res).toEqual({ status: 201, body: { id, dryRun: 'true', name: 'Ann' } });
  });
  it('lists every problem by where and which field, without echoing the values', async () => {
    const attempt = create(
      request({ pathParams: { id: '<script>' }, query: { dryRun: 'maybe' }, body: { name: '', role: 'admin' } }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('VALIDATION_FAILED');
    const details = error.details as Array<{ in: string; path: string }>;
    expect(details.map((d) => `${d.in}:${d.path}`).sort()).toEqual(['body:', 'body:name', 'path:id', 'query:dryRun']);
    expect(JSON.stringify(details)).not.toContain('<script>');
  });
  it('answers INVALID_ID when only the path ids are wrong (any route, as docs/API.md says), and runs nothing', async () => {
    let ran = 0;
    const get = defineOperation({ params: z.object({ id: z.string().regex(/^[a-z]{1,4}$/) }) }, () => {
      ran++;
      return { status: 200, body: {} };
    });
    for (const bad of ['a.b', 'abcde', '']) {
      const error = (await get(request({ pathParams: { id: bad } })).catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code, bad).toBe('INVALID_ID');
      expect((error.details as Array<{ in: string }>).every((d) => d.in === 'path')).toBe(true);
    }
    expect(ran).toBe(0);
  });
  it('refuses a coerced query or path number the store cannot keep, naming it, before the use case runs', async () => {
    let ran = 0;
    const list = defineOperation(
      { query: z.object({ maxScore: z.coerce.number().min(0).max(100).optional() }) },
      ({ query }) => {
        ran++;
        return { status: 200, body: { maxScore: query.maxScore } };
      },
    );
    for (const tiny of [
      '5e-324',
      '1e-200',
      '-0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001',
    ]) {
      const error = (await list(request({ query: { maxScore: tiny } })).catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.details).toEqual([expect.objectContaining({ in: 'query', path: 'maxScore' })]);
    }
    expect(ran).toBe(0);
    expect(await list(request({ query: { maxScore: '1e-100' } }))).toEqual({ status: 200, body: { maxScore: 1e-100 } });
  });
  it('accepts no body where none is declared, and refuses one that is sent', async () => {
    const plain = defineOperation({}, () => ({ status: 204 }));
    expect(await plain(request({}))).toEqual({ status: 204 });
    await expect(plain(request({ body: { sneaky: true } }))).rejects.toBeInstanceOf(ValidationError);
  });
  it('keeps the schemas it validates with and the declared answer, for the API reference', () => {
    const body = z.object({ name: z.string() });
    const response = { status: 201, schema: z.object({ id: z.string() }), example: { id: 'a' } };
    const op = defineOperation({ body, response }, () => ({ status: 201, body: { id: 'a' } }));
    expect(op.schemas.body).toBe(body);
    expect(op.schemas.response).toBe(response);
    // Defaults as applied: no path parameters, any query ignored, no body.
    expect(op.schemas.params.safeParse({ id: 'x' }).data).toEqual({});
    expect(defineOperation({}, () => ({ status: 204 })).schemas.body.safeParse({ sneaky: true }).success).toBe(false);
  });
});
