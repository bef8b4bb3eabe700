/**
 * Review round 22 (d), the class of test/unit/r22d-webhook-timeout-excludes-dns.test.ts: one
 * deadline bounds a webhook attempt, the host's lookup included, and the default lookup
 * (`resolveHost`, c-ares) stops asking when it passes, so a nameserver that never answers holds
 * nothing (no threadpool thread, no query) past the attempt.
 *
 * The nameservers are ours, on 127.0.0.1 (UDP): one never answers; one answers A records for
 * `public.example.test` and `inward.example.test`, NODATA for their AAAA and NXDOMAIN for any
 * other name. No query leaves the machine.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWebhookPoster, resolveHost } from '../../../shared/adapters/fetch-webhook-poster';

const A_RECORDS: Record<string, string> = {
  'public.example.test': '93.184.215.14',
  'inward.example.test': '10.0.0.7',
};

/** The question's name and where it ends (after its type and class). */
function questionOf(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]) {
    const length = query[at] as number;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  return { name: labels.join('.').toLowerCase(), type: query.readUInt16BE(at + 1), end: at + 5 };
}

function answerOf(query: Buffer): Buffer {
  const { name, type, end } = questionOf(query);
  const address = A_RECORDS[name];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  header.writeUInt16BE(address ? 0x8180 : 0x8183, 2); // a response, recursion; NXDOMAIN for others
  header.writeUInt16BE(1, 4);
  const records: Buffer[] = [];
  if (address && type === 1) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the question's name
    record.writeUInt16BE(1, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(60, 6);
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => {
      record[12 + i] = Number(octet);
    });
    records.push(record);
  }
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, query.subarray(12, end), ...records]);
}

async function nameserver(answer: boolean): Promise<{ socket: Socket; address: string; queries: string[] }> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (query, from) => {
    queries.push(questionOf(query).name);
    if (answer) socket.send(answerOf(query), from.port, from.address);
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  return { socket, address: `127.0.0.1:${socket.address().port}`, queries };
}

let silent: Awaited<ReturnType<typeof nameserver>>;
let answering: Awaited<ReturnType<typeof nameserver>>;
beforeAll(async () => {
  silent = await nameserver(false);
  answering = await nameserver(true);
});
afterAll(() => {
  silent.socket.close();
  answering.socket.close();
});

describe('resolveHost (the poster’s default lookup)', () => {
  it('answers the A records of a name (IPv4 first), asking the nameserver', async () => {
    expect(await resolveHost('public.example.test', AbortSignal.timeout(2000), [answering.address])).toEqual([
      '93.184.215.14',
    ]);
    expect(answering.queries).toContain('public.example.test');
  });

  it('fails for a name that does not exist', async () => {
    const error = await resolveHost('nowhere.example.test', AbortSignal.timeout(2000), [answering.address]).catch(
      (e: unknown) => e,
    );
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });

  it('stops asking when the deadline passes, however long the nameserver takes', async () => {
    const started = Date.now();
    const error = await resolveHost('slow.example.test', AbortSignal.timeout(200), [silent.address]).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(800);
    expect((error as NodeJS.ErrnoException).code).toBe('ECANCELLED');
    expect(silent.queries).toContain('slow.example.test');
  });
});

describe('fetchWebhookPoster: one deadline for the whole attempt (strict policy)', () => {
  const strictVia = (server: string, timeoutMs: number) =>
    fetchWebhookPoster({
      policy: { allowPrivate: false },
      timeoutMs,
      resolve: (host, deadline) => resolveHost(host, deadline, [server]),
    });

  it('ends within its time when the nameserver never answers', async () => {
    const started = Date.now();
    const answer = await strictVia(silent.address, 200).post('https://never.example.test/hook', '{}', {});
    expect(Date.now() - started).toBeLessThan(800);
    expect(answer).toEqual({
      kind: 'unreachable',
      reason: 'no answer within 200 ms (never.example.test did not resolve in time)',
    });
  });

  it('still refuses a name resolving inward, and answers unreachable for one that does not exist', async () => {
    const poster = strictVia(answering.address, 2000);
    expect(await poster.post('https://inward.example.test/hook', '{}', {})).toEqual({
      kind: 'refused',
      reason: 'inward.example.test resolves to a private address (10.0.0.7)',
    });
    expect(await poster.post('https://nowhere.example.test/hook', '{}', {})).toEqual({
      kind: 'unreachable',
      reason: 'nowhere.example.test does not resolve (ENOTFOUND)',
    });
  });

  it('ends at the deadline when a resolver ignores it, and its late failure goes nowhere', async () => {
    const poster = fetchWebhookPoster({
      policy: { allowPrivate: false },
      timeoutMs: 100,
      resolve: () =>
        new Promise<readonly string[]>((_, reject) => setTimeout(() => reject(new Error('SERVFAIL, late')), 300)),
    });
    const started = Date.now();
    expect(await poster.post('https://late.example.test/hook', '{}', {})).toMatchObject({ kind: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(600);
    // The resolver's rejection comes after the attempt ended: handled, not an unhandled rejection.
    await new Promise((done) => setTimeout(done, 300));
  });
});
