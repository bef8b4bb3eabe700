/** Templates: escaping, fallbacks, text parts, limits and the marketing lint. */
import { describe, expect, it } from 'vitest';
import {
  assertTemplateParses,
  htmlToText,
  missingMarketingParts,
  renderTemplate,
  TemplateError,
} from '../../../shared/email/templates';

const context = {
  contact: { firstName: '<b>Ada</b>', email: 'ada@example.com', customFields: { plan: 'pro' } },
  workspace: { name: 'Acme', postalAddress: '1 Main St, Springfield' },
  unsubscribe_url: 'https://app.example/u/tok',
};

describe('renderTemplate', () => {
  it('escapes merge fields in HTML, keeps them raw in text, and flattens the subject to one line', async () => {
    const out = await renderTemplate(
      {
        subject: 'Hi {{ contact.firstName }}\r\nBcc: x@y.z',
        html: '<p>Hello {{ contact.firstName }} on {{ contact.customFields.plan }}</p>',
        text: 'Hello {{ contact.firstName }}',
      },
      context,
    );
    expect(out.html).toBe('<p>Hello &lt;b&gt;Ada&lt;/b&gt; on pro</p>');
    expect(out.text).toBe('Hello <b>Ada</b>');
    expect(out.subject).toBe('Hi <b>Ada</b> Bcc: x@y.z');
  });
  it('renders a missing field empty, or its default', async () => {
    const out = await renderTemplate(
      { subject: 's', html: '<p>Hi {{ contact.lastName }}|{{ contact.nickname | default: "there" }}</p>' },
      context,
    );
    expect(out.html).toBe('<p>Hi |there</p>');
  });
  it('generates a text part with link targets when the template has none', async () => {
    const out = await renderTemplate(
      { subject: 's', html: '<h1>News</h1><p>Read <a href="https://x.test/a">this</a>.</p><p>Bye<br>Team</p>' },
      context,
    );
    expect(out.text).toBe('News\n\nRead this (https://x.test/a).\n\nBye\nTeam');
  });
  it('refuses templates that do not parse or run away, as the author’s 400', async () => {
    await expect(assertTemplateParses({ subject: 'ok', html: '{% if %}' })).rejects.toThrow(TemplateError);
    await expect(
      renderTemplate({ subject: 's', html: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' }, context),
    ).rejects.toThrow(TemplateError);
    await expect(renderTemplate({ subject: 's', html: '{{ 1 | no_such_filter }}' }, context)).rejects.toThrow(
      TemplateError,
    );
  });
});

describe('missingMarketingParts', () => {
  it('names what a marketing template lacks; transactional templates need neither', () => {
    const bare = { subject: 's', html: '<p>Hi</p>' };
    expect(missingMarketingParts(bare, 'marketing')).toHaveLength(2);
    expect(missingMarketingParts(bare, 'transactional')).toEqual([]);
    const complete = {
      subject: 's',
      html: '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    };
    expect(missingMarketingParts(complete, 'marketing')).toEqual([]);
  });
});

describe('htmlToText', () => {
  it('drops scripts and styles and decodes entities', () => {
    expect(htmlToText('<style>p{}</style><script>x()</script><p>a &amp; b &lt;c&gt;</p>')).toBe('a & b <c>');
  });
});
