// Review round 19: this test failed at 6a48c48.
// Each output and each {% capture %} had an allowance of its own and filter results kept with
// `push` were charged per element or not at all: a render could hold hundreds of MB. One budget
// per render now pays for every string it builds (outputs, captures, filter results, ranges), all
// its parts together; the peak is measured here as the characters charged, not by time or memory.
import { describe, expect, it } from 'vitest';
import {
  RENDER_BUDGET_CHARS,
  RenderBudget,
  renderTemplate,
  type TemplateContent,
  TemplateError,
} from '../../../shared/email/templates';
import type { ValidationError } from '../../../shared/errors';

const context = {
  contact: { email: 'a@example.com', firstName: 'Ada' },
  workspace: { name: 'Acme', postalAddress: '1 Main St' },
  unsubscribe_url: 'https://app.example/u/tok',
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const detailOf = (error: unknown) => ((error as ValidationError).details as Array<Record<string, unknown>>)[0];
const PIECE = 'x'.repeat(100_000);

/** `count` captures of 900,000 characters, each kept in an array: nothing written out. */
const hoard = (count: number) =>
  '{% assign kept = "" | split: "," %}' +
  `{% for i in (1..${count}) %}{% capture c %}{% for j in (1..9) %}${PIECE}{% endfor %}{% endcapture %}` +
  '{% assign kept = kept | push: c %}{% endfor %}{{ kept | size }}';

describe('one budget per render', () => {
  it('charges every capture the render keeps: the characters charged are at least what it holds', async () => {
    const budget = new RenderBudget(50_000_000);
    const rendered = await renderTemplate({ subject: 'S', html: hoard(10) }, context, budget);
    expect(rendered.html).toBe('10');
    // 10 captures of 900,000 characters were held at once: all of them were charged.
    expect(budget.spent).toBeGreaterThanOrEqual(10 * 900_000);
  });

  it('refuses a render once what it built passes the budget, so no render holds more', async () => {
    const budget = new RenderBudget();
    const error = await failure(renderTemplate({ subject: 'S', html: hoard(150) }, context, budget));
    expect(error).toBeInstanceOf(TemplateError);
    expect(detailOf(error)).toMatchObject({
      path: 'html',
      reason: 'TEMPLATE_TOO_LARGE_RENDERED',
      maxChars: RENDER_BUDGET_CHARS,
      bound: 'render',
    });
    // The peak: never more than the budget was charged (the capture that would pass it is refused).
    expect(budget.spent).toBeLessThanOrEqual(RENDER_BUDGET_CHARS);
    expect(budget.spent).toBeGreaterThan(RENDER_BUDGET_CHARS - 1_000_000);
  });

  it('shares the budget between the parts of a send: each fits alone, not together', async () => {
    const html = hoard(4); // 3.6M characters held
    const text = hoard(2); // 1.8M
    const alone = new RenderBudget();
    await renderTemplate({ subject: 'S', html: '<p>x</p>', text }, context, alone);
    expect(alone.spent).toBeLessThan(RENDER_BUDGET_CHARS);
    const error = await failure(renderTemplate({ subject: 'S', html, text }, context));
    expect(detailOf(error)).toMatchObject({ path: 'text', reason: 'TEMPLATE_TOO_LARGE_RENDERED', bound: 'render' });
  });

  it.each([
    ['url_encode (liquidjs charges nothing for it)', '{% assign e = big | url_encode %}'],
    ['slugify', '{% assign e = big | slugify %}'],
    ['append', '{% assign e = big | append: "y" %}'],
    ['upcase', '{% assign e = big | upcase %}'],
  ])('charges what a filter makes and a render keeps: %s', async (_label, make) => {
    const html =
      `{% capture big %}{% for j in (1..5) %}${PIECE}{% endfor %}{% endcapture %}` +
      '{% assign kept = "" | split: "," %}' +
      `{% for i in (1..20) %}${make}{% assign kept = kept | push: e %}{% endfor %}{{ kept | size }}`;
    const measured = new RenderBudget(100_000_000);
    await renderTemplate({ subject: 'S', html }, context, measured);
    // 20 strings of 500,000 characters held at once.
    expect(measured.spent).toBeGreaterThanOrEqual(20 * 500_000);
    const error = await failure(renderTemplate({ subject: 'S', html }, context));
    expect(detailOf(error)).toMatchObject({ reason: 'TEMPLATE_TOO_LARGE_RENDERED', bound: 'render' });
  });

  it('renders an ordinary template for a small part of the budget', async () => {
    const content: TemplateContent = {
      subject: 'Hi {{ contact.firstName | default: "there" }}',
      html: '<p>Hello {{ contact.firstName | upcase }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    };
    const budget = new RenderBudget();
    const rendered = await renderTemplate(content, context, budget);
    expect(rendered.subject).toBe('Hi Ada');
    expect(budget.spent).toBeGreaterThan(0);
    expect(budget.spent).toBeLessThan(1_000);
  });
});
