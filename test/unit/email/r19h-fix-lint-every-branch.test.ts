// Review round 19: this test failed at 6a48c48.
// The every-recipient rule of the marketing lint rendered nothing for a condition on contact data
// (a per-language footer with a link in every branch was refused), took `unsubscribe_url` (a
// per-send token) as the same for every recipient, and skipped itself when its own render failed.
// Now a link or address counts when every branch of such a condition shows it (an else required),
// anything but a bare presence test of the URL varies, and a failed lint render refuses the save.
import { beforeAll, describe, expect, it } from 'vitest';
import { lintCopy } from '../../../shared/campaigns/copy-lint';
import { assertSavable } from '../../../shared/email/stored-templates';
import { previewTemplate } from '../../../shared/email/template-send';
import { missingMarketingParts, templateEngineReady } from '../../../shared/email/templates';
import type { ValidationError } from '../../../shared/errors';
import { ADDRESS, LINK, storedTemplate } from './send-fixture';

const DE = '<a href="{{ unsubscribe_url }}">Abmelden</a>';
const missing = (html: string, text?: string) =>
  missingMarketingParts({ subject: 'News', html, ...(text === undefined ? {} : { text }) }, 'marketing').map(
    (m) => m.item,
  );

beforeAll(templateEngineReady);

describe('a link or address in every branch is shown to every recipient', () => {
  it.each([
    [
      'if / elsif / else',
      `{% if contact.customFields.lang == "de" %}${DE}{% elsif contact.customFields.lang == "fr" %}<a href="{{ unsubscribe_url }}">Se désabonner</a>{% else %}${LINK}{% endif %}`,
    ],
    ['unless / else', `{% unless contact.customFields.lang == "de" %}${LINK}{% else %}${DE}{% endunless %}`],
    [
      'case with two values in a when',
      `{% case contact.customFields.lang %}{% when "de", "at" %}${DE}{% else %}${LINK}{% endcase %}`,
    ],
    [
      'a loop on contact data with the link in its body and its else',
      `{% for t in contact.tags %}${LINK}{% else %}${LINK}{% endfor %}`,
    ],
    [
      'nested conditions',
      `{% if contact.a %}{% if contact.b %}${LINK}{% else %}${DE}{% endif %}{% else %}${LINK}{% endif %}`,
    ],
    [
      'branches wrapping their link in different markup',
      `{% if contact.vip %}<div class="vip">${LINK}</div>{% else %}<p>${DE}</p>{% endif %}`,
    ],
    [
      'the same href written in each branch',
      `<a href="{% if contact.a %}{{ unsubscribe_url }}{% else %}{{ unsubscribe_url }}{% endif %}">U</a>{% if false %}${LINK}{% endif %}`,
    ],
    ['a bare presence test of the URL', `{% if unsubscribe_url %}${LINK}{% endif %}`],
    [
      'forloop.last in a loop over a constant range',
      `{% for i in (1..3) %}{% if forloop.last %}${LINK}{% endif %}{% endfor %}`,
    ],
    ['a condition on a constant loop variable', `{% for i in (1..2) %}{% if i == 2 %}${LINK}{% endif %}{% endfor %}`],
    [
      'a name every branch assigns alike',
      `{% if contact.a %}{% assign u = unsubscribe_url %}{% else %}{% assign u = unsubscribe_url %}{% endif %}<a href="{{ u }}">U</a>{% if false %}${LINK}{% endif %}`,
    ],
  ])('accepts %s', (_label, body) => {
    expect(missing(`<p>News</p>${body}${ADDRESS}`)).toEqual([]);
  });

  it.each([
    ['an if without else', `{% if contact.customFields.lang == "de" %}${DE}{% elsif contact.x %}${LINK}{% endif %}`],
    [
      'a case without else',
      `{% case contact.customFields.lang %}{% when "de" %}${DE}{% when "en" %}${LINK}{% endcase %}`,
    ],
    ['one branch without the link', `{% if contact.vip %}${LINK}{% else %}<p>Thanks</p>{% endif %}`],
    ['a loop on contact data without else', `{% for t in contact.tags %}${LINK}{% endfor %}`],
    ['a tablerow on contact data', `<table>{% tablerow t in contact.tags %}${LINK}{% endtablerow %}</table>`],
    ['a test of the URL value (a per-send token)', `{% unless unsubscribe_url contains "Q" %}${LINK}{% endunless %}`],
    ['the URL compared with blank', `{% if unsubscribe_url != blank %}${LINK}{% endif %}`],
    ['the address tested', `{% if workspace.postalAddress contains "x" %}${LINK}{% endif %}`],
    ['a condition on an assigned name', `{% assign l = contact.lang %}{% if l %}${LINK}{% endif %}`],
    [
      'forloop.parentloop of a loop on contact data',
      `{% for t in contact.tags %}{% for i in (1..1) %}{% if forloop.parentloop.first %}${LINK}{% endif %}{% endfor %}{% else %}<p>x</p>{% endfor %}`,
    ],
    [
      'a loop variable shadowing a name that held the URL',
      `{% assign u = unsubscribe_url %}{% for u in contact.tags %}<a href="{{ u }}">U</a>{% else %}${LINK}{% endfor %}`,
    ],
    [
      'names the branches assign differently',
      `{% if contact.a %}{% assign u = "https://x.example" %}{% else %}{% assign u = unsubscribe_url %}{% endif %}<a href="{{ u }}">U</a>{% if false %}${LINK}{% endif %}`,
    ],
    [
      'a break before the link for some recipients',
      `{% for i in (1..1) %}{% if contact.a %}{% break %}{% endif %}${LINK}{% endfor %}`,
    ],
    ['a branch that opens a comment hiding what follows', `{% if contact.a %}<!--{% endif %}${LINK} -->`],
    [
      'a branch that opens a hidden element around what follows',
      `{% if contact.a %}<div style="display:none">{% endif %}${LINK}</div>`,
    ],
    [
      'a branch that closes a visible wrapper of a hidden part',
      `<div hidden><div>{% if contact.a %}</div>{% endif %}${LINK}</div></div>`,
    ],
    ['a cycle that writes the URL', `<a href="{% cycle unsubscribe_url, "x" %}">U</a>{% if false %}${LINK}{% endif %}`],
  ])('refuses %s', (_label, body) => {
    expect(missing(`<p>News</p>${body}${ADDRESS}`)).toContain('unsubscribe_link');
  });

  it('applies the rule to the postal address, in the html and the text part', () => {
    const footer = `{% if contact.lang == "de" %}Adresse: {{ workspace.postalAddress }}{% else %}Address: {{ workspace.postalAddress }}{% endif %}`;
    expect(missing(`${LINK}<p>${footer}</p>`)).toEqual([]);
    expect(missing(LINK, footer)).toEqual([]);
    const some = '{% if contact.lang == "de" %}{{ workspace.postalAddress }}{% endif %}';
    expect(missing(`${LINK}<p>${some}</p>`)).toEqual(['postal_address']);
    expect(missing(LINK, some)).toEqual(['postal_address']);
  });

  it('refuses a save whose lint render fails, saying why (never skips the rule)', async () => {
    const html = `{% assign n = contact.email.size | times: 1000000 %}{% assign r = (1..n) %}${LINK}${ADDRESS}`;
    const error = await assertSavable({ name: 'n', category: 'marketing', subject: 'News', html }).then(
      () => undefined,
      (caught: unknown) => caught as ValidationError,
    );
    expect(error?.code).toBe('TEMPLATE_LINT_FAILED');
    expect(error?.message).toMatch(/could not render the template for a sample recipient/);
  });

  it('agrees in the save, the preview and the AI copy lint for a per-language footer', async () => {
    const html = `<p>News</p>{% if contact.customFields.lang == "de" %}${DE}{% else %}${LINK}{% endif %}${ADDRESS}`;
    await expect(assertSavable({ name: 'n', category: 'marketing', subject: 'News', html })).resolves.toBeUndefined();
    expect(lintCopy({ subjects: ['News'], html }, []).issues).toEqual([]);
    const preview = await previewTemplate(
      storedTemplate({ name: 't', category: 'marketing', subject: 'News', html }),
      { contact: { email: 'a@example.com', customFields: { lang: 'de' } } },
      {
        templates: { get: async () => undefined, version: async () => undefined },
        contacts: { get: async () => undefined },
        profile: async () => ({ name: 'Acme', postalAddress: '1 Main St' }),
        unsubscribePreviewUrl: 'https://app.example/u/preview',
      },
    );
    expect(preview.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(preview.html).toContain('Abmelden');
  });
});
