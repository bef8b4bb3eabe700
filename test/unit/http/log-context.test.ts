/** After authentication the logs name the route and the workspace; the next invocation starts clean. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../lib/local/api-event';
import { httpFunctionOver } from '../../../shared/http/http-function';
import { type DefinedOperation, defineOperation } from '../../../shared/http/operation';
import { sha256 } from '../../../shared/identity/tokens';
import { logger } from '../../../shared/observability/logger';
import { fakeEdge } from '../../support/edge-fakes';
import { testRoute } from '../../support/edge-request';
import { captureOutput } from '../../support/output-capture';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const table = [
  testRoute({ id: 'things.list', method: 'GET', path: '/api/things', auth: 'user', permission: 'contacts:read' }),
  testRoute({ id: 'ping', method: 'GET', path: '/api/ping' }),
];
const logs = defineOperation({}, (_input, request) => {
  logger.info('in the operation', { marker: request.route.id });
  return { status: 204 };
});
const ops: Record<string, DefinedOperation> = { 'things.list': logs, ping: logs };

function signedInEdge() {
  const edge = fakeEdge({ rateLimits: false }, () => NOW);
  edge.identity.sessionsByHash.set(sha256('ann-token'), {
    session: {
      sessionId: 's-ann',
      userId: 'u-ann',
      ip: '',
      userAgent: '',
      createdAt: '',
      lastSeenAt: '2026-11-25T11:59:00Z',
      expiresAt: '2026-12-01T00:00:00Z',
    },
    user: {
      userId: 'u-ann',
      email: 'ann@example.com',
      name: 'Ann',
      emailVerified: true,
      defaultWorkspaceId: 'ws-a',
      createdAt: '',
    },
  });
  edge.identity.members.push({
    workspaceId: 'ws-a',
    organizationId: 'o',
    userId: 'u-ann',
    role: 'owner',
    joinedAt: '',
  });
  return edge;
}
const event = (path: string, headers: Record<string, string> = {}) =>
  buildEvent(
    {
      method: 'GET',
      url: path,
      headers: { host: 'app.example', ...headers },
      body: Buffer.alloc(0),
      sourceIp: '1.2.3.4',
    },
    { routeKey: `GET ${path}` },
    'req-1',
  ) as APIGatewayProxyEventV2;
const context = { awsRequestId: 'aws-1', functionName: 'system' } as Context;

afterEach(() => {
  logger.resetKeys();
});

describe('log context', () => {
  it('carries routeId and workspaceId after authentication, and resets them for the next invocation', async () => {
    const handler = httpFunctionOver('system', table, ops, signedInEdge().deps);
    const output = captureOutput();
    try {
      await handler(event('/api/things', { cookie: 'session=ann-token' }), context);
      logger.info('between invocations');
      await handler(event('/api/ping'), context);
    } finally {
      output.stop();
    }
    const line = (message: string, marker?: string) =>
      output.lines().find((l) => l.message === message && (marker === undefined || l.marker === marker));

    expect(line('in the operation', 'things.list')).toMatchObject({ routeId: 'things.list', workspaceId: 'ws-a' });
    expect(line('between invocations')).not.toHaveProperty('routeId');
    expect(line('between invocations')).not.toHaveProperty('workspaceId');
    expect(line('in the operation', 'ping')).toMatchObject({ routeId: 'ping' });
    expect(line('in the operation', 'ping')).not.toHaveProperty('workspaceId');
  });
  it('resets them when the request fails too', async () => {
    const handler = httpFunctionOver('system', table, ops, signedInEdge().deps);
    const output = captureOutput();
    try {
      const res = await handler(
        event('/api/things', { cookie: 'session=ann-token', 'x-workspace-id': 'ws-zz' }),
        context,
      );
      expect(res.statusCode).toBe(404);
      logger.info('after a refusal');
    } finally {
      output.stop();
    }
    expect(output.lines().find((l) => l.message === 'after a refusal')).not.toHaveProperty('routeId');
  });
});
