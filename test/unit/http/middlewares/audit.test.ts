import { describe, expect, it } from 'vitest';
import { audit, auditWithChange } from '../../../../shared/http/middlewares/audit';
import type { HttpRequest, HttpResult } from '../../../../shared/http/types';
import type { AuthContext } from '../../../../shared/identity/auth-context';
import { MemoryAudit } from '../../../support/edge-fakes';
import { apiEvent, edgeRequest, testRoute } from '../../../support/edge-request';

const route = testRoute({ id: 'things.update', method: 'PATCH', path: '/api/things/{id}', auth: 'user' });
const inWorkspace: AuthContext = {
  principal: { userId: 'u-1', email: 'u1@example.com', via: 'session', sessionId: 's-1' },
  workspace: { workspaceId: 'ws-1', organizationId: 'o', role: 'owner', permissions: new Set() },
};
const plain = (over: Partial<HttpRequest>): HttpRequest => ({
  route,
  method: 'PATCH',
  path: '/api/things/t-1',
  pathParams: { id: 't-1' },
  query: {},
  headers: {},
  cookies: {},
  body: undefined,
  rawBody: undefined,
  requestId: 'req-1',
  clientAddress: '203.0.113.5',
  userAgent: 'vitest',
  host: 'h',
  auth: inWorkspace,
  ...over,
});

async function audited(request: HttpRequest, result: HttpResult) {
  const sink = new MemoryAudit();
  await audit(sink).after?.(edgeRequest(apiEvent(), { route, request, result }));
  return sink.entries;
}

describe('audit', () => {
  it('records a successful state-changing request in a workspace, naming the resource', async () => {
    const entries = await audited(plain({}), { status: 200 });
    expect(entries).toEqual([
      expect.objectContaining({
        workspaceId: 'ws-1',
        eventType: 'things.update',
        eventAction: 'PATCH',
        actorId: 'u-1',
        resourceType: 'things',
        resourceId: 't-1',
        ip: '203.0.113.5',
        userAgent: 'vitest',
      }),
    ]);
  });
  it('takes the resource and metadata the operation names', async () => {
    const result = { status: 201, audit: { resourceType: 'thing', resourceId: 't-9', metadata: { n: 1 } } };
    expect(await audited(plain({}), result)).toEqual([
      expect.objectContaining({ resourceType: 'thing', resourceId: 't-9', metadata: { n: 1 } }),
    ]);
  });
  it('records nothing for reads, failures, or requests outside a workspace', async () => {
    expect(await audited(plain({ method: 'GET' }), { status: 200 })).toEqual([]);
    expect(await audited(plain({}), { status: 409 })).toEqual([]);
    expect(await audited(plain({ auth: { principal: inWorkspace.principal } }), { status: 200 })).toEqual([]);
  });
  it('leaves an entry written with the change to it, and builds that entry as it would its own', async () => {
    const request = plain({});
    const slot = auditWithChange(request, (n: number) => ({ resourceId: `t-${n}`, metadata: { n } }));
    const record = slot?.recordFor(7);
    expect(record).toMatchObject({ eventType: 'things.update', actorId: 'u-1', resourceId: 't-7', metadata: { n: 7 } });
    expect(record?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(slot?.written).toBe(false);
    slot?.markWritten();
    expect(slot?.written).toBe(true);
    expect(await audited(request, { status: 201, audit: { resourceId: 't-7', inWrite: true } })).toEqual([]);
    expect(await audited(request, { status: 201, audit: { resourceId: 't-7', inWrite: false } })).toHaveLength(1);
    // Nothing to join outside a workspace or on a read.
    expect(auditWithChange(plain({ method: 'GET' }), () => ({}))).toBeUndefined();
    expect(auditWithChange(plain({ auth: { principal: inWorkspace.principal } }), () => ({}))).toBeUndefined();
  });
});
