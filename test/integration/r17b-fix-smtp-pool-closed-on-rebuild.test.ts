// Review round 17: this test failed at 2d3df06.
// When the SMTP URL changed, the email sender rebuilt its chain and dropped the old SMTP provider
// without closing its pooled nodemailer transport (its connections to the old relay stayed open for
// the life of the instance); a rebuild for a new Resend key replaced (and leaked) it too. And the
// provider's `close()` failed the messages still queued on its pool ("Connection pool was closed").
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emailProviderChain } from '../../shared/adapters/email-provider-chain';
import { smtpProvider } from '../../shared/adapters/smtp-email';
import type { EmailProvider, OutgoingEmail } from '../../shared/email/ports';
import { providerBreaker } from '../../shared/email/provider-failover';

/** A relay on loopback that counts its open connections and takes every message after `delayMs`. */
async function relay(delayMs = 0) {
  let open = 0;
  const received: string[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onConnect(_session, callback) {
      open++;
      callback();
    },
    onClose() {
      open--;
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        setTimeout(() => {
          received.push(session.envelope.rcptTo.map((r) => r.address).join(','));
          callback();
        }, delayMs);
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    const s = server.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    open: () => open,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const email = (to = 'ada@example.com'): OutgoingEmail => ({
  from: 'billing@acme.test',
  to,
  subject: 'Your receipt',
  html: '<p>Thanks</p>',
  text: 'Thanks',
  headers: {},
  tags: {},
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

const relays: Array<Awaited<ReturnType<typeof relay>>> = [];
const started = async (delayMs = 0) => {
  const r = await relay(delayMs);
  relays.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});

const ses: EmailProvider = {
  name: 'ses',
  async send() {
    return { providerMessageId: 'ses-1' };
  },
};
const resend: EmailProvider = {
  name: 'resend',
  async send() {
    return { providerMessageId: 're-1' };
  },
};

describe('the email sender chain, rebuilt when a credential changes', () => {
  const chainOf = () => emailProviderChain([{ provider: ses, breaker: providerBreaker('ses') }]);
  const smtpLink = (url: string) => ({
    name: 'smtp' as const,
    key: url,
    build: () => ({ provider: smtpProvider({ url }), breaker: providerBreaker('smtp') }),
  });
  const resendLink = (apiKey: string) => ({
    name: 'resend' as const,
    key: apiKey,
    build: () => ({ provider: resend, breaker: providerBreaker('resend') }),
  });

  it('closes the SMTP pool it replaces when the SMTP URL changes', async () => {
    const [a, b] = [await started(), await started()];
    const current = chainOf();
    const first = current([undefined, smtpLink(a.url)]);
    await first[1]?.provider.send(email());
    expect(a.received).toHaveLength(1);
    expect(a.open()).toBe(1); // the pool keeps its connection for the next message

    const second = current([undefined, smtpLink(b.url)]);
    expect(second.map((l) => l.provider.name)).toEqual(['ses', 'smtp']);
    await until(() => a.open() === 0);
    expect(a.open()).toBe(0);
    await second[1]?.provider.send(email());
    expect(b.received).toHaveLength(1);

    // Removed from the configuration: closed too.
    expect(current([undefined, undefined]).map((l) => l.provider.name)).toEqual(['ses']);
    await until(() => b.open() === 0);
    expect(b.open()).toBe(0);
  });

  it('keeps the same SMTP link (and its pool) when only another credential changes', async () => {
    const a = await started();
    const current = chainOf();
    const first = current([resendLink('re_1'), smtpLink(a.url)]);
    await first[2]?.provider.send(email());
    const second = current([resendLink('re_2'), smtpLink(a.url)]);
    expect(second[2]?.provider).toBe(first[2]?.provider);
    expect(second[1]?.provider).toBe(resend);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.open()).toBe(1);
    // Unchanged: the very same chain.
    expect(current([resendLink('re_2'), smtpLink(a.url)])).toBe(second);
    (second[2]?.provider as { close?: () => void } | undefined)?.close?.();
  });
});

describe('smtpProvider close()', () => {
  it('lets the messages already handed to it be delivered, then closes its connections', async () => {
    const a = await started(300);
    const provider = smtpProvider({ url: a.url, maxConnections: 2 });
    // Three at once on a pool of two: one waits in the pool's queue when close() is called.
    const sends = ['one@example.com', 'two@example.com', 'three@example.com'].map((to) => provider.send(email(to)));
    await new Promise((r) => setTimeout(r, 100));
    provider.close();
    const results = await Promise.allSettled(sends);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect([...a.received].sort()).toEqual(['one@example.com', 'three@example.com', 'two@example.com']);
    await until(() => a.open() === 0);
    expect(a.open()).toBe(0);
  });

  it('still delivers a message sent after close() (a chain held by a send in progress), then closes again', async () => {
    const a = await started();
    const provider = smtpProvider({ url: a.url });
    await provider.send(email('one@example.com'));
    provider.close();
    await until(() => a.open() === 0);
    await provider.send(email('two@example.com'));
    expect(a.received).toEqual(['one@example.com', 'two@example.com']);
    await until(() => a.open() === 0);
    expect(a.open()).toBe(0);
  });
});
