/**
 * Regression (review): the A/B attribution (c0e7fab) is sealed into every tracking token of a campaign send,
 * but only click links are checked against the edge's 1,024-character token limit; the open pixel
 * is not. (1) Links that were tracked before are now left unwrapped (clicks lost, `clicked`
 * conditions never hold); (2) with enough splits taken, the pixel's own token passes 1,024 and
 * the edge refuses it (every open lost, `opened` conditions and the A/B test starve).
 */
import { describe, expect, it } from 'vitest';
import { campaignSendId } from '../../../shared/campaigns/campaign-mailer';
import { instrumentHtml, MAX_TOKEN_LENGTH, OPEN_PATH } from '../../../shared/email/tracking';
import type { AbAttribution } from '../../../shared/email/tracking-token';

const key = Buffer.alloc(32, 7);
const uuid = (n: number) => `${String(n).repeat(8)}-1111-4111-8111-111111111111`.slice(0, 36);
const send = (ab?: AbAttribution) => ({
  workspaceId: uuid(1),
  sendId: campaignSendId('campaign#x#y#1#mail#3'),
  contactId: uuid(2),
  campaignId: uuid(3),
  nodeId: 'welcome-email',
  ...(ab ? { ab } : {}),
});
const opts = { baseUrl: 'https://app.example.com', key, issuedAtMs: Date.parse('2026-12-07T10:00:00Z') };
const pixelToken = (html: string) => (new RegExp(`${OPEN_PATH}([A-Za-z0-9_-]+)`).exec(html)?.[1] ?? '').length;

describe('tracking tokens with the A/B attribution', () => {
  it('still wrap a link that was tracked before (one split, a subject variant)', () => {
    const ab: AbAttribution = { run: 1, variant: 1, arms: { 'subject-line-test': 'variant-b' } };
    const fits = (a?: AbAttribution) => (u: string) =>
      instrumentHtml(`<a href="${u}">buy</a>`, send(a), opts).wrapped === 1;
    const urlOf = (n: number) => `https://shop.example.com/p?q=${'a'.repeat(n)}`;
    let longest = 0;
    while (fits()(urlOf(longest + 1))) longest += 1;
    // The longest link the old tokens wrapped (a long UTM / affiliate link).
    const url = urlOf(longest);
    const before = instrumentHtml(`<a href="${url}">buy</a>`, send(), opts);
    const after = instrumentHtml(`<a href="${url}">buy</a>`, send(ab), opts);
    expect(before.wrapped).toBe(1);
    expect({ urlLength: url.length, wrapped: after.wrapped, tooLong: after.tooLong }).toEqual({
      urlLength: url.length,
      wrapped: 1,
      tooLong: 0,
    });
  });

  it('keep the open pixel within the edge limit when the enrolment went through several splits', () => {
    const arms: Record<string, string> = {};
    for (let i = 0; i < 6; i += 1) arms[`split-${i}-${'x'.repeat(30)}`] = `arm-${'y'.repeat(30)}`;
    const out = instrumentHtml('<p>hi</p>', send({ run: 1, arms }), opts);
    expect(pixelToken(out.html)).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
  });
});
