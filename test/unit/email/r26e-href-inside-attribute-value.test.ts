// Review round 26 (e): click tracking reads an `href` that is TEXT inside another attribute's
// quoted value as the link's href. `replaceFirstHref` (shared/email/html-scan.ts:166-193) takes the
// first `href` preceded by white space anywhere in the tag, without skipping quoted attribute
// values, and `replaceAnchorTags` ends the tag at the first `>` even inside a quoted value; both
// are by design "what the old regexes answered" (html-scan.ts, docs/EMAIL.md "Tracking"), and the
// old regexes had the same fault. `instrumentHtml` (shared/email/tracking.ts:103-117) then:
// - seals a click token for the URL written in the title / aria-label / data-* text and splices
//   `href="<click link>"` (with its own double quotes) into that quoted value, breaking the
//   attribute and the tag's markup in the mail as sent;
// - leaves the anchor's real href untracked (its clicks are never counted or put on the timeline);
// - when the attribute text is a merge field (`title="Offer for {{contact.firstName}}"`), the
//   URL sealed is one a CONTACT chose (a sign-up form's name "Ann href=https://phish.example/"):
//   our domain's `/t/c/<token>` then 302s to the attacker's site, and the contact holds that link
//   in their own copy of the mail: an open redirect on the product's domain, which the docs say
//   cannot happen ("never a redirect to anything not sealed by us" holds only because we sealed it).
// Severity MEDIUM: silent loss of click tracking and broken markup in marketing mail, plus an
// open redirect on the sending domain obtainable by anyone who can become a contact of a workspace
// whose template puts a merge field in a link's attribute. Fails at 1fcafc7.
// Reached by: a workspace member writing an ordinary template (`<a title="..." href="...">`,
// `<a aria-label="compare href=..." ...>`, `<a title="5 > 3" href=...>`), or a contact whose
// name lands in such an attribute, on every marketing (tracked) send of it.
import { describe, expect, it } from 'vitest';
import { CLICK_PATH, instrumentHtml } from '../../../shared/email/tracking';
import { openTrackingToken } from '../../../shared/email/tracking-token';

const key = Buffer.alloc(32, 26);
const base = 'https://app.example.com';
const send = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'contact-1', campaignId: 'camp-1' };
const options = { baseUrl: base, key, issuedAtMs: 1_000_000 };

/** The click targets sealed into the output's tracking links, in order. */
function sealedTargets(html: string): (string | undefined)[] {
  const links = html.match(new RegExp(`${base}${CLICK_PATH}[A-Za-z0-9_-]+`, 'g')) ?? [];
  return links.map((link) => openTrackingToken(link.slice(link.lastIndexOf('/') + 1), key)?.url);
}

/** The value of attribute `name` of the first `<a>` as an HTML parser reads it (quoted values only). */
function attribute(html: string, name: string): string | undefined {
  const tag = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/i.exec(html)?.[0] ?? '';
  const re = /\s([^\s"'>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;
  for (let m = re.exec(tag); m; m = re.exec(tag)) {
    if (m[1]?.toLowerCase() === name) return m[2] ?? m[3] ?? m[4];
  }
  return undefined;
}

describe('r26e: click tracking reads attributes as HTML does', () => {
  it('wraps the real href, not "href=" text inside a title, and leaves the title as written', () => {
    const html = '<p><a title="see href=https://other.example/x" href="https://good.example/">Good</a></p>';
    const out = instrumentHtml(html, send, options);
    expect(attribute(out.html, 'title')).toBe('see href=https://other.example/x');
    expect(sealedTargets(out.html)).toEqual(['https://good.example/']);
    expect(attribute(out.html, 'href')?.startsWith(`${base}${CLICK_PATH}`)).toBe(true);
  });

  it('never seals a URL a contact typed into a merge field that lands in a link attribute', () => {
    // `<a href="https://shop.example/offer" title="Offer for {{contact.firstName}}">` rendered for a
    // contact who signed up as `Ann href=https://phish.example/login` (HTML-escaped: no quotes to escape).
    const html = '<a title="Offer for Ann href=https://phish.example/login" href="https://shop.example/offer">Shop</a>';
    const out = instrumentHtml(html, send, options);
    expect(sealedTargets(out.html)).not.toContain('https://phish.example/login');
    expect(sealedTargets(out.html)).toEqual(['https://shop.example/offer']);
  });

  it('finds the href after a quoted ">" in an earlier attribute', () => {
    const html = '<a title="5 > 3" href="https://good.example/compare">Compare</a>';
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(1);
    expect(sealedTargets(out.html)).toEqual(['https://good.example/compare']);
  });
});
