/**
 * Open and click instrumentation in linear time (review 7, email: was
 * test/unit/review7-email/tracking-quadratic-scan.test.ts).
 *
 * What failed: instrumentHtml (shared/email/tracking.ts) found links with `/<a\b[^>]*>/gi`, whose
 * `[^>]*` runs from every `<a` with no `>` after it to the end of the document, and placed the
 * pixel with `/<\/body\s*>(?![\s\S]*<\/body\s*>)/i`, whose lookahead reads the rest of the
 * document from every `</body>`. 100 KB of `<a ` took ~4 s in sendEmail and 500 KB (what the
 * schema allows; inline marketing sends are not linted) about a minute: past the email-sender's
 * 30 s timeout, so the whole SQS batch (every workspace's mail in it) failed and was retried. The
 * template scans were made linear in 094dc26; this one was left behind.
 *
 * Now: the link rewriting and the pixel's place are one pass of the tokenizer
 * (shared/email/html-scan.ts: trackingPlaces). Until review round 26 they answered exactly what
 * the regexes answered, and so read an `href=` inside another attribute's quoted value as the link
 * and a quoted `>` as the tag's end (r26e-href-inside-attribute-value.test.ts); they now read the
 * markup as a browser does (r26e-fix-tokenizer-parse5.test.ts compares them with parse5's
 * tokenizer). On documents of well-formed markup, where the two readings agree, instrumentHtml
 * still answers what the regex version did (kept below as the reference). On the adversarial inputs
 * below, as long as a mail's HTML may be, the old code took 12 s (repeated `</body>`) to 2 minutes
 * (unclosed `<a`; the other inputs guard the tokenizer), the scan milliseconds. No wall-clock
 * time is asserted: a regression shows as a test timeout (2 s here).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimEnd } from '../../../shared/email/linear-scan';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { type SendRequest, sendEmail } from '../../../shared/email/send-email';
import { TEMPLATE_PART_MAX_CHARS } from '../../../shared/email/templates';
import {
  clickUrl,
  decodeAttribute,
  instrumentHtml,
  MAX_TOKEN_LENGTH,
  openUrl,
  type TrackedSend,
  type TrackingOptions,
} from '../../../shared/email/tracking';
import {
  isSafeTarget,
  openTrackingToken,
  redirectTarget,
  sealTrackingToken,
  type TrackingPayload,
} from '../../../shared/email/tracking-token';
import { sendWorld } from './send-fixture';

const key = randomBytes(32);
const base = 'https://app.example.com';
const send: TrackedSend = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'c-1', campaignId: 'camp-1' };
const options: TrackingOptions = { baseUrl: `${base}/`, key, issuedAtMs: 1_000_000, untouched: [`${base}/u/UNSUB`] };

/** The regexes the scan replaced, and instrumentHtml as it was: the reference on well-formed markup. */
const reference = (() => {
  const ANCHOR = /<a\b[^>]*>/gi;
  const HREF = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
  const LAST_BODY = /<\/body\s*>(?![\s\S]*<\/body\s*>)/i;
  const instrument = (html: string, s: TrackedSend, o: TrackingOptions) => {
    const trimmed = o.baseUrl.replace(/\/+$/, '');
    const ours = [`${trimmed}/u/`, `${trimmed}/t/`];
    const untouched = new Set(o.untouched ?? []);
    const common = { ...s, issuedAtMs: o.issuedAtMs };
    const seal = (payload: TrackingPayload) => sealTrackingToken(payload, o.key);
    let wrapped = 0;
    let tooLong = 0;
    const out = html.replace(ANCHOR, (tag) =>
      tag.replace(HREF, (attr, prefix: string, dq?: string, sq?: string, bare?: string) => {
        const target = decodeAttribute(dq ?? sq ?? bare ?? '').trim();
        if (!/^https?:\/\//i.test(target) || !isSafeTarget(target)) return attr;
        if (untouched.has(target) || ours.some((p) => target.startsWith(p))) return attr;
        const url = redirectTarget(target);
        if (!url) return attr;
        const token = seal({ kind: 'click', ...common, url });
        if (token.length > MAX_TOKEN_LENGTH) {
          tooLong += 1;
          return attr;
        }
        wrapped += 1;
        return `${prefix}"${clickUrl(trimmed, token)}"`;
      }),
    );
    const pixel = `<img src="${openUrl(trimmed, seal({ kind: 'open', ...common }))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
    const close = out.search(LAST_BODY);
    const withPixel = close >= 0 ? `${out.slice(0, close)}${pixel}${out.slice(close)}` : `${out}${pixel}`;
    return { html: withPixel, wrapped, tooLong };
  };
  return { instrument };
})();

/** Tokens are sealed with a random IV: each tracking link is replaced by what its token says. */
const unsealed = (html: string) =>
  html.replace(/https:\/\/app\.example\.com\/t\/[oc]\/([A-Za-z0-9_-]+)/g, (link, token: string) => {
    const payload = openTrackingToken(token, key);
    return payload ? `[${payload.kind} ${payload.url ?? ''} ${JSON.stringify({ ...payload, url: undefined })}]` : link;
  });

/** Documents of well-formed markup: quoted values without quotes, `<` or `>` in them, tags closed. */
const wellFormed = fc
  .array(
    fc.constantFrom(
      '<a href="https://x.test/a">',
      `<a class='b' href='http://y.test/b?q=1&amp;r=2'>`,
      '<A HREF=https://z.test/c>',
      '<a\nhref = " https://w.test/d " >',
      '<a data-href="https://no.test" href="https://yes.test">',
      '<a title="Offer for Ann" href="https://t.test">',
      '<a href="mailto:ada@example.com">',
      '<a href="#top">',
      `<a href="${base}/u/UNSUB">`,
      `<a href="${base}/t/c/x">`,
      `<a href="https://long.test/${'p'.repeat(800)}">`,
      '<a href="https://x.test/€">',
      '<a href="javascript:alert(1)">',
      '<abbr title="https://t.test">',
      '<a>',
      '</a>',
      '</body>',
      '</BODY >',
      '</body\n>',
      '<body>',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      'x',
      '_',
      '&amp;',
      '&#x3e;',
      'https://bare.test',
      ' href="https://text.test"',
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

describe('on well-formed markup, the same answers as the regexes', () => {
  it('trimEnd: /\\/+$/ on a base URL', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('/', 'a', ':', ' '), { maxLength: 20 }), (pieces) => {
        const url = pieces.join('');
        expect(trimEnd(url, '/')).toBe(url.replace(/\/+$/, ''));
      }),
    );
  });

  it('instrumentHtml: the same HTML (tokens unsealed), the same counts', () => {
    fc.assert(
      fc.property(wellFormed, (html) => {
        const now = instrumentHtml(html, send, options);
        const before = reference.instrument(html, send, options);
        expect({ ...now, html: unsealed(now.html) }).toEqual({ ...before, html: unsealed(before.html) });
      }),
      { numRuns: 2_000 },
    );
  });
});

/** `piece` repeated to the longest HTML part a send may carry. */
const longest = (piece: string) =>
  piece.repeat(Math.ceil(TEMPLATE_PART_MAX_CHARS / piece.length)).slice(0, TEMPLATE_PART_MAX_CHARS);

const adversarial: ReadonlyArray<readonly [string, string]> = [
  ['unclosed <a', longest('<a ')],
  ['unclosed <A with a tab', longest('<A\t')],
  ['many </body>', longest('</body>')],
  ['many </body> with spaces', longest('</body \n>')],
  ['unclosed </body', longest('</body   ')],
  ['one tag of unclosed quoted hrefs', `<a ${longest(' href="x').slice(0, -10)}>`],
  ['one tag of hrefs without a value', `<a ${longest(' href =  ').slice(0, -10)}>`],
  ['one tag of hrefs followed by spaces', `<a href${' '.repeat(TEMPLATE_PART_MAX_CHARS - 10)}>`],
  ['mixed', longest('<a href="x </body <a <A\thref=\' </body> ')],
  ['many tags of quoted values', longest('<a title="5 > 3" data-x=\'href=y\' href="https://x.test/">x</a>')],
  ['unclosed quoted values', `<a href="https://x.test/">${longest('<a title="')}`],
  ['unclosed comments', longest('<!-- <a href="https://x.test/"> ')],
  ['many comments', longest('<!-- </body> -->')],
  ['unclosed scripts', longest('<script><a href="https://x.test/">')],
  ['many raw-text elements', longest('<title></title <textarea></textarea>')],
];

describe('linear on adversarial HTML as long as a mail part may be', () => {
  it.each(adversarial)(
    'instrumentHtml: %s',
    (_label, html) => {
      const out = instrumentHtml(html, send, options);
      expect(out.html.length).toBeGreaterThanOrEqual(html.length);
    },
    2_000,
  );

  it('keeps what it cannot close as it was, the pixel at the end', () => {
    const html = longest('<a ');
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(0);
    expect(out.html.startsWith(html)).toBe(true);
    expect(out.html.slice(html.length)).toMatch(/^<img src="https:\/\/app\.example\.com\/t\/o\/[A-Za-z0-9_-]+"/);
  });

  it('puts the pixel before the last of many </body>', () => {
    const html = longest('</body>');
    const out = instrumentHtml(html, send, options).html;
    expect(out.lastIndexOf('<img ')).toBe(html.lastIndexOf('</body>'));
  });

  it('sendEmail sends a marketing mail of 500 KB of unclosed <a (inline sends are not linted)', async () => {
    const outbox: OutgoingEmail[] = [];
    const { deps } = sendWorld({ outbox, now: () => 1_000_000, tracking: { baseUrl: base, key } });
    const request: SendRequest = {
      workspaceId: 'ws-1',
      idempotencyKey: 'api#generated#1',
      sendId: 'send-1',
      category: 'marketing',
      from: 'news@acme.test',
      to: 'ada@example.com',
      content: { subject: 'News', html: `<p>Hi</p>${longest('<a ').slice(9)}` },
      context: { contact: {}, workspace: { name: 'Acme' } },
    };
    const outcome = await sendEmail(request, deps);
    expect(outcome.status).toBe('sent');
    expect(outbox[0]?.html).toContain(`${base}/t/o/`);
  }, 2_000);
});
