/**
 * The webhook poster: under the strict policy the host is resolved once, a private answer refuses
 * the send, and the connection goes only to the checked addresses (its socket lookup answers them
 * and never asks DNS again: no DNS rebinding between check and connection). Either way: one POST
 * with the body and headers as given, a 3xx answered (never followed), a timeout per attempt.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer, type Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWebhookPoster, vettedLookup } from '../../../shared/adapters/fetch-webhook-poster';

function lookupOf(vetted: string[], options: { all?: boolean; family?: number | string }) {
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
    (vettedLookup(vetted) as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void)(
      'rebinding.example',
      options,
      (error, address, family) => resolve({ error: error as Error | null, address, family: family as number }),
    ),
  );
}

describe('vettedLookup', () => {
  it('answers the checked addresses whatever the name, in the form asked', async () => {
    expect((await lookupOf(['203.0.113.10', '2001:4860::1'], { all: true })).address).toEqual([
      { address: '203.0.113.10', family: 4 },
      { address: '2001:4860::1', family: 6 },
    ]);
    expect(await lookupOf(['203.0.113.10'], {})).toMatchObject({ error: null, address: '203.0.113.10', family: 4 });
    expect(await lookupOf(['203.0.113.10', '2001:4860::1'], { family: 6 })).toMatchObject({
      address: '2001:4860::1',
      family: 6,
    });
  });

  it('answers an error, not DNS, when no checked address fits the family asked', async () => {
    const { error } = await lookupOf(['203.0.113.10'], { family: 6 });
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('makes a socket connect to the checked address, not to what the name resolves to', async () => {
    const server: NetServer = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      // `.invalid` never resolves (RFC 6761): only the vetted answer can make this connect.
      const remote = await new Promise<string | undefined>((resolve, reject) => {
        const socket = connect({ host: 'hooks.invalid', port, lookup: vettedLookup(['127.0.0.1']) }, () => {
          resolve(socket.remoteAddress);
          socket.destroy();
        });
        socket.on('error', reject);
      });
      expect(remote).toBe('127.0.0.1');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('fetchWebhookPoster', () => {
  let server: Server;
  let base = '';
  const received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/moved') {
          res.writeHead(302, { location: '/elsewhere' }).end();
          return;
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const local = fetchWebhookPoster({ policy: { allowPrivate: true }, timeoutMs: 300 });

  it('POSTs the body and headers as given and answers the status', async () => {
    const body = JSON.stringify({ contactId: 'c-1', name: 'Zoë' });
    const answer = await local.post(`${base}/hooks/crm?x=1`, body, {
      'Content-Type': 'application/json',
      'Idempotency-Key': 'k-1',
    });
    expect(answer).toEqual({ kind: 'answered', status: 204 });
    const got = received.at(-1);
    expect(got).toMatchObject({ method: 'POST', url: '/hooks/crm?x=1', body });
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['idempotency-key']).toBe('k-1');
    expect(got?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got?.headers.host).toBe(new URL(base).host);
  });

  it('answers a redirect without following it', async () => {
    const before = received.length;
    expect(await local.post(`${base}/moved`, '{}', {})).toEqual({ kind: 'answered', status: 302 });
    expect(received.length).toBe(before + 1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    expect(await local.post(`${base}/slow`, '{}', {})).toEqual({
      kind: 'unreachable',
      reason: 'no answer within 300 ms',
    });
  });

  it('under the strict policy resolves once, and refuses a private answer without connecting', async () => {
    const asked: string[] = [];
    const strict = fetchWebhookPoster({
      policy: { allowPrivate: false },
      timeoutMs: 300,
      resolve: async (host) => {
        asked.push(host);
        return ['93.184.215.14', '::ffff:10.0.0.7'];
      },
    });
    const before = received.length;
    expect(await strict.post('https://hooks.example.test/crm', '{}', {})).toEqual({
      kind: 'refused',
      reason: 'hooks.example.test resolves to a private address (::ffff:10.0.0.7)',
    });
    expect(asked).toEqual(['hooks.example.test']);
    expect(received.length).toBe(before);
  });

  it('under the strict policy answers unreachable for a name with no address', async () => {
    const strict = fetchWebhookPoster({ policy: { allowPrivate: false }, timeoutMs: 300, resolve: async () => [] });
    expect(await strict.post('https://hooks.example.test/crm', '{}', {})).toMatchObject({ kind: 'unreachable' });
  });
});
