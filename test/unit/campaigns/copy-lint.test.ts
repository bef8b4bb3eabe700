/** The compliance lint of campaign copy: unsubscribe link and address, reply prefixes, forbidden claims. */
import { describe, expect, it } from 'vitest';
import { draftHtml } from '../../../shared/campaigns/ai-copy-rules';
import { lintCopy } from '../../../shared/campaigns/copy-lint';

const footer = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}</p>';
const html = `<p>Our spring range is here.</p>${footer}`;

describe('lintCopy', () => {
  it('passes complete copy', () => {
    expect(lintCopy({ subjects: ['Spring is here'], html }, [])).toEqual({ ok: true, issues: [] });
  });

  it('asks for the unsubscribe link and the postal address the send does not add', () => {
    const { ok, issues } = lintCopy({ subjects: ['Hello'], html: '<p>No footer</p>' }, []);
    expect(ok).toBe(false);
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['html', 'unsubscribe_link'],
      ['html', 'postal_address'],
    ]);
    // A link in a comment is not seen by a reader, so it does not count.
    const hidden = `<!-- <a href="{{ unsubscribe_url }}">x</a> --><p>{{ workspace.postalAddress }}</p>`;
    expect(lintCopy({ subjects: ['Hello'], html: hidden }, []).issues.map((i) => i.code)).toEqual(['unsubscribe_link']);
  });

  it.each([
    'RE: your order',
    're:your order',
    'Fwd: deal',
    'FW : deal',
    'AW: Angebot',
    'SV: Tilbud',
    'RE[2]: follow-up',
    '"Re: quick question"',
    'Re： full-width colon',
  ])('refuses the reply or forward prefix of "%s"', (subject) => {
    const { issues } = lintCopy({ subjects: [subject], html }, []);
    expect(issues).toEqual([expect.objectContaining({ field: 'subject', code: 'deceptive_subject_prefix' })]);
  });

  it.each(['Reader offer', 'Recap: spring', 'Forward-looking news', 'Fwd-thinking'])('lets "%s" pass', (subject) => {
    expect(lintCopy({ subjects: [subject], html }, []).ok).toBe(true);
  });

  it('names the variant with the issue', () => {
    const { issues } = lintCopy({ subjects: ['Fine', 'Re: not fine'], html }, []);
    expect(issues.map((i) => i.field)).toEqual(['subjectVariants[1]']);
  });

  it('finds forbidden claims case-insensitively in subjects and the visible text', () => {
    const copy = {
      subjects: ['GUARANTEED results', 'Fine'],
      html: `<p>Clinically&nbsp;proven and <b>risk   free</b>.</p>${footer}`,
    };
    const { issues } = lintCopy(copy, ['guaranteed results', 'Clinically proven', 'risk free', 'unused']);
    expect(issues.map((i) => [i.field, i.phrase])).toEqual([
      ['subjectVariants[0]', 'guaranteed results'],
      ['html', 'clinically proven'],
      ['html', 'risk free'],
    ]);
  });
});

describe('draftHtml', () => {
  it('escapes model text, neutralises Liquid, and carries the footer the lint asks for', () => {
    const out = draftHtml({ body: 'Hi <b>{{ contact.email }}</b>\n\nSecond & last', callToAction: 'Book {% now %}' });
    expect(out).toContain('<p>Hi &lt;b&gt;&#123;&#123; contact.email &#125;&#125;&lt;/b&gt;</p>');
    expect(out).toContain('<p>Second &amp; last</p>');
    expect(out).toContain('<strong>Book &#123;% now %&#125;</strong>');
    expect(lintCopy({ subjects: ['Spring'], html: out }, []).ok).toBe(true);
  });
});
