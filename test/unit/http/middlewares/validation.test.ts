import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { bodyParsing } from '../../../../shared/http/middlewares/body-parsing';
import { stateOf } from '../../../../shared/http/middlewares/edge-state';
import { validation } from '../../../../shared/http/middlewares/validation';
import { defineOperation } from '../../../../shared/http/operation';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const route = testRoute({ id: 'things.create', method: 'POST', path: '/api/things' });
const ran: unknown[] = [];
const create = defineOperation({ body: z.object({ name: z.string().min(1) }).strict() }, ({ body }) => {
  ran.push(body);
  return { status: 201, body };
});
const operations = new Map([['things.create', create]]);

function validated(body: string) {
  const request = edgeRequest(apiEvent({ method: 'POST', body, headers: { 'content-type': 'application/json' } }), {
    route,
    caller: { clientAddress: '1.2.3.4', publicHost: 'h' },
  });
  void bodyParsing().before?.(request);
  void validation(operations).before?.(request);
  return stateOf(request);
}

describe('validation', () => {
  it('binds the use case to the parsed input without running it', async () => {
    ran.length = 0;
    const state = validated('{"name":"Ann"}');
    expect(ran).toEqual([]);
    expect(await state.invoke?.()).toEqual({ status: 201, body: { name: 'Ann' } });
    expect(ran).toEqual([{ name: 'Ann' }]);
  });
  it('refuses input that does not fit with 400 VALIDATION_FAILED per field, and runs nothing', () => {
    ran.length = 0;
    expect(() => validated('{"name":"","role":"admin"}')).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([expect.objectContaining({ in: 'body', path: 'name' })]),
      }),
    );
    expect(ran).toEqual([]);
  });
});
