import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type TrackedInteraction, trackClick, trackOpen } from '../../../shared/email/track-event';
import {
  botSignals,
  CLICK_PATH,
  decodeAttribute,
  instrumentHtml,
  MAX_TOKEN_LENGTH,
  OPEN_PATH,
} from '../../../shared/email/tracking';
import { openTrackingToken, redirectTarget, sealTrackingToken } from '../../../shared/email/tracking-token';
import { MAX_TOKEN_PARAM_LENGTH } from '../../../shared/http/edge-ids';

const key = randomBytes(32);
const base = 'https://app.example.com';
const send = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'contact-1', campaignId: 'camp-1' };
const options = { baseUrl: `${base}/`, key, issuedAtMs: 1_000_000, untouched: [`${base}/u/UNSUB`] };

const hrefs = (html: string) =>
  [...html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => m[1] ?? m[2] ?? m[3]);
const tokenOf = (url: string | undefined) => url?.slice(url.lastIndexOf('/') + 1) ?? '';

describe('instrumentHtml: click links', () => {
  it('wraps http(s) links in double, single and bare quotes and upper-case HREF, keeping the target exactly', () => {
    const html = [
      '<a href="https://shop.example.com/a?x=1&amp;y=2#top">A</a>',
      "<a class='btn' href='http://example.org/b'>B</a>",
      '<A HREF=https://example.net/c?q=%20z>C</A>',
      '<a\nhref = "  https://example.com/d  " target="_blank">D</a>',
    ].join('');
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(4);
    const links = hrefs(out.html);
    expect(links).toHaveLength(4);
    const targets = links.map((l) => {
      expect(l?.startsWith(`${base}${CLICK_PATH}`)).toBe(true);
      return openTrackingToken(tokenOf(l), key);
    });
    expect(targets.map((t) => t?.url)).toEqual([
      'https://shop.example.com/a?x=1&y=2#top',
      'http://example.org/b',
      'https://example.net/c?q=%20z',
      'https://example.com/d',
    ]);
    expect(targets[0]).toMatchObject({ kind: 'click', ...send, issuedAtMs: 1_000_000 });
    // Other attributes and the link text stay as they were.
    expect(out.html).toContain("class='btn'");
    expect(out.html).toContain('target="_blank">D</a>');
  });

  it('leaves mailto, tel, anchors, relative links, the unsubscribe link and our own links alone', () => {
    const html = [
      '<a href="mailto:ada@example.com">mail</a>',
      '<a href="tel:+123">call</a>',
      '<a href="#section">anchor</a>',
      '<a href="/relative">rel</a>',
      '<a href="javascript:alert(1)">js</a>',
      `<a href="${base}/u/UNSUB">Unsubscribe</a>`,
      `<a href="${base}/u/OTHER">Unsubscribe too</a>`,
      `<a href="${base}/t/c/abc">already</a>`,
      '<a name="x">no href</a>',
    ].join('');
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(0);
    expect(out.html.replace(/<img[^>]*>$/, '')).toBe(html);
  });

  it('leaves a link whose token would pass the edge limit unwrapped, and counts it', () => {
    expect(MAX_TOKEN_LENGTH).toBe(MAX_TOKEN_PARAM_LENGTH);
    const long = `https://example.com/${'x'.repeat(1200)}`;
    const out = instrumentHtml(`<a href="${long}">long</a><a href="https://example.com/ok">ok</a>`, send, options);
    expect(out).toMatchObject({ wrapped: 1, tooLong: 1 });
    expect(out.html).toContain(`href="${long}"`);
    for (const link of hrefs(out.html).filter((l) => l?.includes(CLICK_PATH))) {
      expect(tokenOf(link).length).toBeLessThanOrEqual(MAX_TOKEN_PARAM_LENGTH);
    }
  });

  it('keeps a target of a few hundred characters wrapped within the limit', () => {
    const target = `https://example.com/path?${'utm_source=newsletter&'.repeat(20)}`;
    const out = instrumentHtml(`<a href="${target}">x</a>`, send, options);
    expect(out.wrapped).toBe(1);
    expect(openTrackingToken(tokenOf(hrefs(out.html)[0]), key)?.url).toBe(target);
  });
});

describe('instrumentHtml: open pixel', () => {
  it('puts a 1x1 pixel before the last </body>, or at the end without one', () => {
    const out = instrumentHtml('<html><body><p>Hi</p></BODY></html>', send, options);
    expect(out.html).toMatch(
      /<p>Hi<\/p><img src="https:\/\/app\.example\.com\/t\/o\/[A-Za-z0-9_-]+" width="1" height="1" alt=""[^>]*><\/BODY><\/html>$/,
    );
    const src = /src="([^"]+)"/.exec(out.html)?.[1];
    expect(src?.startsWith(`${base}${OPEN_PATH}`)).toBe(true);
    expect(openTrackingToken(tokenOf(src), key)).toMatchObject({ kind: 'open', ...send });
    expect(tokenOf(src)).not.toContain('ws-1');
    expect(instrumentHtml('<p>Hi</p>', send, options).html).toMatch(/^<p>Hi<\/p><img /);
  });
});

describe('decodeAttribute', () => {
  it('reads entities as a browser does and leaves unknown ones', () => {
    expect(decodeAttribute('a&amp;b&#38;c&#x26;d&quot;&unknown;')).toBe('a&b&c&d"&unknown;');
  });
});

describe('botSignals', () => {
  const person =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';
  const hit = { method: 'GET', userAgent: person, nowMs: 10_000, issuedAtMs: 1_000 };

  it('finds none for a reader', () => {
    expect(botSignals({ ...hit, kind: 'open' })).toEqual([]);
    expect(botSignals({ ...hit, kind: 'click' })).toEqual([]);
  });

  it('flags Apple Mail Privacy Protection opens by its bare user agent or Apple network', () => {
    expect(botSignals({ ...hit, kind: 'open', userAgent: 'Mozilla/5.0' })).toEqual(['apple-mpp']);
    expect(botSignals({ ...hit, kind: 'open', ip: '17.58.101.2' })).toEqual(['apple-mpp']);
    expect(botSignals({ ...hit, kind: 'open', ip: '::ffff:17.1.2.3' })).toEqual(['apple-mpp']);
    expect(botSignals({ ...hit, kind: 'open', ip: '170.1.2.3' })).toEqual([]);
    expect(botSignals({ ...hit, kind: 'click', userAgent: 'Mozilla/5.0' })).toEqual([]);
  });

  it.each([
    'Barracuda Sentinel (EE)',
    'Mozilla/5.0 (compatible; Mimecast-URL-Protect)',
    'Proofpoint URL Defense',
    'Microsoft Office SafeLinks',
    'Mozilla/5.0 Microsoft Defender for Office 365',
  ])('flags the security scanner %s', (userAgent) => {
    expect(botSignals({ ...hit, kind: 'click', userAgent })).toContain('security-scanner');
  });

  it('flags crawlers, HTTP libraries, no user agent, HEAD requests and clicks within 2 s of sending', () => {
    expect(botSignals({ ...hit, kind: 'click', userAgent: 'python-requests/2.31' })).toEqual(['automated-client']);
    expect(botSignals({ ...hit, kind: 'open', userAgent: '' })).toEqual(['automated-client']);
    expect(botSignals({ ...hit, kind: 'click', method: 'HEAD' })).toEqual(['head-request']);
    expect(botSignals({ ...hit, kind: 'click', nowMs: 2_999 })).toEqual(['too-fast']);
    expect(botSignals({ ...hit, kind: 'click', nowMs: 3_000 })).toEqual([]);
    expect(botSignals({ ...hit, kind: 'open', nowMs: 1_500 })).toEqual([]);
  });
});

describe('trackOpen / trackClick', () => {
  function fakes() {
    const recorded: Array<{
      ws: string;
      contactId: string;
      type: TrackedInteraction;
      metadata: Record<string, unknown>;
    }> = [];
    const deps = {
      key,
      record: async (ws: string, contactId: string, type: TrackedInteraction, metadata: Record<string, unknown>) =>
        void recorded.push({ ws, contactId, type, metadata }),
      now: () => 60_000,
    };
    return { deps, recorded };
  }
  const origin = { method: 'GET', userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120 Safari/537.36' };
  const seal = (p: object) => sealTrackingToken({ ...send, issuedAtMs: 1_000, ...p } as never, key);

  it('records an open and a click on the contact with the send, campaign and url', async () => {
    const { deps, recorded } = fakes();
    expect(await trackOpen(deps, seal({ kind: 'open' }), origin)).toEqual({
      status: 'tracked',
      recorded: true,
      signals: [],
    });
    const click = await trackClick(deps, seal({ kind: 'click', url: 'https://example.com/x' }), origin);
    expect(click).toEqual({ status: 'tracked', recorded: true, signals: [], url: 'https://example.com/x' });
    expect(recorded.map((r) => [r.ws, r.contactId, r.type])).toEqual([
      ['ws-1', 'contact-1', 'email_opened'],
      ['ws-1', 'contact-1', 'email_clicked'],
    ]);
    expect(recorded[1]?.metadata).toMatchObject({
      sendId: 'send-1',
      campaignId: 'camp-1',
      url: 'https://example.com/x',
    });
    expect(recorded[1]?.metadata.suspectedBot).toBeUndefined();
  });

  it('keeps a scanner click, flagged', async () => {
    const { deps, recorded } = fakes();
    const token = seal({ kind: 'click', url: 'https://example.com/x' });
    await trackClick(deps, token, { method: 'HEAD', userAgent: 'Mimecast' });
    expect(recorded[0]?.metadata.suspectedBot).toEqual(['security-scanner', 'head-request']);
  });

  it('records nothing for a tampered, foreign or wrong-kind token, and redirects nowhere', async () => {
    const { deps, recorded } = fakes();
    const good = seal({ kind: 'click', url: 'https://example.com/x' });
    const tampered = `${good.slice(0, 12)}${good[12] === 'A' ? 'B' : 'A'}${good.slice(13)}`;
    const foreign = sealTrackingToken({ kind: 'click', ...send, url: 'https://evil.test' }, randomBytes(32));
    for (const bad of [tampered, foreign, 'x', seal({ kind: 'open' }), seal({ kind: 'unsubscribe', email: 'a@b.c' })]) {
      expect(await trackClick(deps, bad, origin)).toEqual({ status: 'invalid' });
    }
    expect(await trackOpen(deps, good, origin)).toEqual({ status: 'invalid' });
    expect(recorded).toEqual([]);
  });

  it('tracks without recording when the token names no contact', async () => {
    const { deps, recorded } = fakes();
    const token = sealTrackingToken({ kind: 'open', workspaceId: 'ws-1', sendId: 's' }, key);
    expect(await trackOpen(deps, token, origin)).toMatchObject({ status: 'tracked', recorded: false });
    expect(recorded).toEqual([]);
  });
});

describe('click targets as a redirect sends them', () => {
  it('seals the URL serialised (percent-encoded, CR/LF dropped), so the 302 location is a valid header', () => {
    const html = [
      '<a href="https://shop.example.com/€uro">A</a>',
      '<a href="https://example.com/a—b?q=ü">B</a>',
      '<a href="https://example.com/x&#13;&#10;Set-Cookie:%20a=b">C</a>',
    ].join('');
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(3);
    const targets = hrefs(out.html).map((l) => openTrackingToken(tokenOf(l), key)?.url);
    expect(targets).toEqual([
      'https://shop.example.com/%E2%82%ACuro',
      'https://example.com/a%E2%80%94b?q=%C3%BC',
      'https://example.com/xSet-Cookie:%20a=b',
    ]);
    for (const url of targets) expect(url).toMatch(/^[\x21-\x7e]+$/);
  });

  it('normalises a target sealed as written (links sent before), and refuses what is not http(s)', () => {
    expect(redirectTarget('https://shop.example.com/€uro')).toBe('https://shop.example.com/%E2%82%ACuro');
    expect(redirectTarget('https://example.com/a\r\nb')).toBe('https://example.com/ab');
    expect(redirectTarget('javascript:alert(1)')).toBeUndefined();
    expect(redirectTarget('//example.com/x')).toBeUndefined();
  });
});
