/**
 * The unified local outbox page (lib/local/outbox-page.ts) over the real stand-ins: one message
 * through each provider adapter (SES v2 client -> SES emulator, `resend` SDK -> Resend stand-in,
 * nodemailer -> SMTP sink) appears once, newest first, with its provider and every header
 * (List-Unsubscribe and List-Unsubscribe-Post included); the mail's HTML never reaches the page
 * unescaped (only in the srcdoc of an iframe sandboxed without allow-scripts); the JSON form
 * counts per recipient; with no mail the page still answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, localClientConfig, startEmulators } from '../../lib/local/emulators';
import type { OutboxMessage } from '../../lib/local/outbox-messages';
import { type OutboxPage, startOutboxPage } from '../../lib/local/outbox-page';
import { resendProvider } from '../../shared/adapters/resend-email';
import { sesProvider } from '../../shared/adapters/ses-provider';
import { smtpProvider } from '../../shared/adapters/smtp-email';
import type { OutgoingEmail } from '../../shared/email/ports';

let dataDir: string;
let emulators: Emulators;
let page: OutboxPage;
let ses: SESv2Client;
let smtp: ReturnType<typeof smtpProvider>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'uh-outbox-page-'));
  emulators = await startEmulators({ dataDir });
  page = await startOutboxPage({
    host: '127.0.0.1',
    port: 0,
    sources: { ses: emulators.ses.outboxUrl, resend: emulators.resend.outboxUrl, smtp: emulators.smtp.outboxUrl },
  });
  ses = new SESv2Client(localClientConfig(emulators.ses.endpoint));
  smtp = smtpProvider({ url: emulators.smtp.url });
});

afterAll(async () => {
  smtp?.close();
  ses?.destroy();
  await page?.stop();
  await emulators?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const run = Date.now().toString(36);
const email = (provider: string): OutgoingEmail => ({
  from: 'Unite-Hub <no-reply@unite-hub.local>',
  to: `ada-${run}@example.com`,
  subject: `Via ${provider} <b>bold</b>`,
  html: `<p>Hello from ${provider}</p><script>parent.document.title='owned'</script><img src="https://tracker.test/p.gif">`,
  text: `Hello from ${provider}`,
  headers: {
    'List-Unsubscribe': `<https://x.test/u/${provider}-tok>, <mailto:unsubscribe@unite-hub.local?subject=${provider}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'X-Bench-Run': run,
  },
  tags: { campaign: 'c1' },
});

const getPage = async (query = '') => {
  const res = await fetch(`${page.url}${query}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
};
const getJson = async (query = '') => {
  const res = await fetch(`${page.url}?format=json${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    total: number;
    byProvider: Record<string, number>;
    byRecipient: Record<string, number>;
    unavailable: unknown[];
    messages: OutboxMessage[];
  };
};

describe('the unified outbox page', () => {
  it('answers with no mail: an empty list and zero counts', async () => {
    const { status, headers, body } = await getPage();
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('text/html');
    expect(body).toContain('No mail yet.');
    const json = await getJson();
    expect(json).toMatchObject({ total: 0, byProvider: { ses: 0, resend: 0, smtp: 0 }, unavailable: [], messages: [] });
  });

  it('lists a message through each of SES, Resend and SMTP, newest first, with provider and every header', async () => {
    const resend = resendProvider({ apiKey: emulators.resend.apiKey, baseUrl: emulators.resend.endpoint });
    // One after the other, a second apart: SES's emulator keeps whole seconds.
    await sesProvider(ses).send(email('ses'));
    await new Promise((r) => setTimeout(r, 1100));
    await resend.send(email('resend'));
    await new Promise((r) => setTimeout(r, 20));
    await smtp.send(email('smtp'));

    const json = await getJson(`&to=${encodeURIComponent(`ADA-${run}@example.com`)}`);
    expect(json.total).toBe(3);
    expect(json.byProvider).toEqual({ ses: 1, resend: 1, smtp: 1 });
    expect(json.byRecipient).toEqual({ [`ada-${run}@example.com`]: 3 });
    expect(json.messages.map((m) => m.provider)).toEqual(['smtp', 'resend', 'ses']);
    for (const m of json.messages) {
      const header = (name: string) => m.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
      expect(header('List-Unsubscribe')).toBe(
        `<https://x.test/u/${m.provider}-tok>, <mailto:unsubscribe@unite-hub.local?subject=${m.provider}>`,
      );
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header('X-Bench-Run')).toBe(run);
      expect(m).toMatchObject({ subject: `Via ${m.provider} <b>bold</b>`, text: `Hello from ${m.provider}` });
      expect(m.html).toContain(`<p>Hello from ${m.provider}</p>`);
      expect(m.from).toContain('no-reply@unite-hub.local');
      expect(Date.parse(m.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(json.messages.find((m) => m.provider === 'resend')?.tags).toEqual([{ name: 'campaign', value: 'c1' }]);
    // SMTP keeps every header line of the message, not only the custom ones.
    expect(json.messages[0]?.headers.map((h) => h.name.toLowerCase())).toEqual(
      expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'list-unsubscribe']),
    );
    expect((await getJson('&provider=resend')).total).toBe(1);
    expect((await getJson('&to=nobody@example.com')).total).toBe(0);
  });

  it('shows them on the page, escaped, the HTML only in a sandboxed iframe without scripts', async () => {
    const { status, headers, body } = await getPage();
    expect(status).toBe(200);
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const label of ['>SES<', '>Resend<', '>SMTP<']) expect(body).toContain(label);
    expect(body).toContain('List-Unsubscribe-Post');
    expect(body).toContain(
      '&#60;https://x.test/u/ses-tok&#62;, &#60;mailto:unsubscribe@unite-hub.local?subject=ses&#62;',
    );
    // The mail's markup appears only escaped: no live <script>, <b> or <img> from a message.
    expect(body).not.toMatch(/<script|<b>bold|<img/i);
    expect(body).toContain('Via ses &#60;b&#62;bold&#60;/b&#62;');
    const frames = body.match(/<iframe[^>]*>/g) ?? [];
    expect(frames).toHaveLength(3);
    for (const frame of frames) {
      expect(frame).toContain('sandbox=""');
      expect(frame).not.toMatch(/allow-scripts|allow-same-origin/);
      expect(frame).toContain('srcdoc="&#60;p&#62;Hello from');
    }
  });

  it('refuses a bad filter and any other path or method', async () => {
    expect((await getPage('?provider=gmail')).status).toBe(400);
    expect((await getPage('?limit=0')).status).toBe(400);
    expect((await fetch(`${page.url}store`)).status).toBe(404);
    expect((await fetch(page.url, { method: 'POST' })).status).toBe(405);
  });

  it('still lists the others when one stand-in cannot be read', async () => {
    const partial = await startOutboxPage({
      host: '127.0.0.1',
      port: 0,
      sources: { ses: emulators.ses.outboxUrl, resend: 'http://127.0.0.1:9/', smtp: emulators.smtp.outboxUrl },
    });
    try {
      const res = await fetch(`${partial.url}?format=json&to=${encodeURIComponent(`ada-${run}@example.com`)}`);
      const json = (await res.json()) as { total: number; unavailable: Array<{ provider: string }> };
      expect(json.total).toBe(2);
      expect(json.unavailable.map((u) => u.provider)).toEqual(['resend']);
      expect(await (await fetch(partial.url)).text()).toContain('Resend outbox unavailable');
    } finally {
      await partial.stop();
    }
  });
});
