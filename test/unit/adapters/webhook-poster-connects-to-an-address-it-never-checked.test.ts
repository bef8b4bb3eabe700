/**
 * Review round 10: this test failed at bad0c0c for the reason below; it passes since the fix.
 * FAULT (review 10, MEDIUM): SSRF through DNS rebinding in the journey webhook poster.
 *
 * Where: shared/adapters/fetch-webhook-poster.ts:31-46 (`fetchWebhookPoster` `post`): the host's
 * addresses are resolved and checked against the private ranges (`resolve` + `isPrivateAddress`),
 * and then `fetch(url, ...)` is called with the *host name*, so undici resolves the name a second
 * time and connects to whatever that second answer is. The check and the connection use two
 * different answers. A webhook host under an attacker's control (a journey's webhook URL is any
 * https URL a campaign editor types) answers the first lookup with a public address and the second
 * (TTL 0) with 127.0.0.1, 169.254.169.254 or a VPC address: the drip-step worker then POSTs the
 * signed enrolment (contact email, ids) inside the network it runs in. The file's own header
 * concedes it ("a name that changes its answer in between is not caught"); the product rule is that
 * the worker must not become a way into its network.
 *
 * The test makes the two answers differ without any network: the check's resolver (the `resolve`
 * option, the one the check uses) says the host is a public address (TEST-NET-3 203.0.113.10 is not
 * in the block list), while the system resolver that fetch uses says loopback (a name /etc/hosts
 * maps to 127.0.0.1 other than `localhost`, which the save-time check refuses by name: `runsc`/`vm`
 * on this machine). A TCP listener on 127.0.0.1 records whether the poster connected to it. It does
 * (the poster answers `unreachable: ECONNRESET` after our listener hung up): the connection went
 * to an address nobody checked.
 *
 * Fix: connect only to an address that was checked: resolve once, refuse if any address is
 * private, and pass the checked address to the connection (an undici `Agent` with
 * `connect: { lookup }` that returns only the vetted addresses, or a `lookup` that itself refuses
 * private answers), keeping the host name for TLS SNI / certificate checks and the Host header.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWebhookPoster } from '../../../shared/adapters/fetch-webhook-poster';
import { isPrivateAddress } from '../../../shared/campaigns/webhook-url';

/** A name the system resolver maps to 127.0.0.1 (from /etc/hosts), other than `localhost`. */
function loopbackAlias(): string | undefined {
  const hosts = readFileSync('/etc/hosts', 'utf8');
  for (const line of hosts.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address !== '127.0.0.1') continue;
    const name = names.find((n) => n && !/localhost/i.test(n) && /^[a-z0-9.-]+$/i.test(n));
    if (name) return name;
  }
  return undefined;
}

let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the webhook poster (strict policy) connects only to the addresses it checked', () => {
  it('does not reach a loopback listener when the checked lookup said "public" and the name is loopback', async () => {
    const host = loopbackAlias();
    expect(host, 'needs a non-localhost name for 127.0.0.1 in /etc/hosts').toBeDefined();
    const checked = ['203.0.113.10'];
    expect(checked.some(isPrivateAddress)).toBe(false);

    const poster = fetchWebhookPoster({
      policy: { allowPrivate: false },
      timeoutMs: 2000,
      // The first answer of a rebinding name: public. The connection's own lookup answers loopback.
      resolve: async () => checked,
    });
    const answer = await poster.post(`https://${host}:${port}/hook`, '{"contactId":"c-1"}', {
      'content-type': 'application/json',
    });

    // The listener on 127.0.0.1 got a connection: the POST went to an address never checked.
    expect(connections, `poster answered ${JSON.stringify(answer)}`).toBe(0);
  });
});
