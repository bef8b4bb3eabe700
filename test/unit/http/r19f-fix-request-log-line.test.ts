// Review round 19: this test failed at 4ce0ffd.
// Every local access and error line prints the request through one function (requestLogLine):
// the segments a route declares as a secret parameter ({token}), query secrets, fragments and a
// raw error's secrets never reach the log (lib/local/http-host.ts, lib/local/request-target.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FunctionHost } from '../../../lib/local/function-host';
import { startHttpHost } from '../../../lib/local/http-host';
import { linkPages } from '../../../lib/local/link-pages';
import { guardedListener, requestLogLine } from '../../../lib/local/request-target';

const TOKEN = 'tok_Zq3kW9vN2xR7pL5mT8yB4cD6fG1hJ0aS';

describe('requestLogLine', () => {
  it.each([
    ['POST', `/api/hooks/campaigns/c_1/${TOKEN}`, 'POST /api/hooks/campaigns/c_1/[REDACTED]'],
    ['GET', `/u/${TOKEN}`, 'GET /u/[REDACTED]'],
    ['POST', `/u/${TOKEN}?List-Unsubscribe=One-Click`, 'POST /u/[REDACTED]?List-Unsubscribe=One-Click'],
    ['GET', `/t/c/${TOKEN}`, 'GET /t/c/[REDACTED]'],
    ['HEAD', `/t/o/${TOKEN}`, 'HEAD /t/o/[REDACTED]'],
    // A method the path does not declare (answered 405) still carries the token.
    ['PUT', `/u/${TOKEN}`, 'PUT /u/[REDACTED]'],
    ['GET', `/reset-password?token=${TOKEN}`, 'GET /reset-password?token=[REDACTED]'],
    ['GET', `/verify-email#token=${TOKEN}`, 'GET /verify-email'],
    ['GET', `/api/auth/callback?code=${TOKEN}&page=2`, 'GET /api/auth/callback?code=[REDACTED]&page=2'],
    ['GET', `http://u:${TOKEN}@proxy.example/u/${TOKEN}`, 'GET http://proxy.example/u/[REDACTED]'],
    ['GET', '/api/contacts/c_1?limit=5', 'GET /api/contacts/c_1?limit=5'],
    ['GET', '/api/contacts?email=ann@example.com', 'GET /api/contacts?email=[email]'],
    ['GET', '//', 'GET //'],
  ])('%s %s is logged as %j', (method, target, expected) => {
    expect(requestLogLine(method, target)).toBe(expected);
  });
});

describe('the local host logs no secret', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  const start = async (functions: FunctionHost) => {
    const lines: string[] = [];
    const { server, url } = await startHttpHost({
      host: '127.0.0.1',
      port: 0,
      functions,
      log: (line) => lines.push(line),
      accessLog: 'all',
      pages: linkPages(),
    });
    servers.push(server);
    return { lines, url };
  };

  it('redacts a function error before it is printed', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    const failing = Object.assign(new Error(`upstream refused Authorization: Bearer ${TOKEN}`), {
      request: { password: 'hunter2-pw', to: 'ann@example.com' },
    });
    const { lines, url } = await start({
      invoke: async () => {
        throw failing;
      },
    } as unknown as FunctionHost);
    const res = await fetch(`${url}/api/hooks/campaigns/c_1/${TOKEN}?token=${TOKEN}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    const everything = [...printed, ...lines].join('\n');
    expect(printed.join('\n')).toContain('function error');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('hunter2-pw');
    expect(everything).not.toContain('ann@example.com');
    expect(lines.join('\n')).toContain('POST /api/hooks/campaigns/c_1/[REDACTED]?token=[REDACTED] 500');
  });

  it('logs a local page request without its secrets', async () => {
    const { lines, url } = await start({ invoke: async () => ({ statusCode: 204 }) } as unknown as FunctionHost);
    const res = await fetch(`${url}/reset-password?token=${TOKEN}`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(lines.join('\n')).toContain('GET /reset-password?token=[REDACTED] 200');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('redacts the target and the error of a listener that throws (guardedListener)', async () => {
    const lines: string[] = [];
    const server = http.createServer(
      guardedListener(
        'test',
        () => {
          throw new Error(`could not parse password=hunter2-pw for token: ${TOKEN}`);
        },
        (line) => lines.push(line),
      ),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/u/${TOKEN}?key=${TOKEN}`);
    expect(res.status).toBe(500);
    const line = lines.join('\n');
    expect(line).toContain('[test] GET /u/[REDACTED]?key=[REDACTED] failed');
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('hunter2-pw');
  });
});
