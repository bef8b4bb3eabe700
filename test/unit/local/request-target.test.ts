/**
 * lib/local/request-target.ts: the request target of a local listener, parsed without throwing
 * (review 15: `GET //` ended the whole runtime), and a listener that cannot throw out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { guardedListener, requestTarget } from '../../../lib/local/request-target';

describe('requestTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/api/contacts?limit=5&x=1', '/api/contacts', '?limit=5&x=1'],
    ['//', '//', ''],
    ['//[', '//[', ''],
    ['//evil.example/api/health', '//evil.example/api/health', ''],
    ['http://proxy.example/p?q=1', '/p', '?q=1'],
    ['', '/', ''],
  ])('%j is path %j, query %j', (target, pathname, search) => {
    const url = requestTarget(target);
    expect({ pathname: url?.pathname, search: url?.search }).toEqual({ pathname, search });
  });

  it.each(['http://[', '*', 'example.com:443', 'ftp://x/y', 'http://a b/'])('%j cannot be parsed', (target) => {
    expect(requestTarget(target)).toBeUndefined();
  });
});

describe('guardedListener', () => {
  it('answers 500 JSON for a listener that throws, and the server keeps serving', async () => {
    const lines: string[] = [];
    let calls = 0;
    const server = http.createServer(
      guardedListener(
        'test',
        (_req, res) => {
          calls += 1;
          if (calls === 1) throw new TypeError('Invalid URL');
          res.end('ok');
        },
        (line) => lines.push(line),
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const failed = await fetch(`${base}/x`);
      expect({ status: failed.status, body: await failed.json() }).toEqual({
        status: 500,
        body: { error: 'Internal Server Error', message: 'The request failed', code: 'INTERNAL' },
      });
      expect(await (await fetch(`${base}/y`)).text()).toBe('ok');
      expect(lines.join('\n')).toMatch(/\[test\] GET \/x failed: TypeError: Invalid URL/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
