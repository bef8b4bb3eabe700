// Review round 19: this test failed at d10baec.
// Nothing bounded what a template renders to: a loop, a capture or a subject could write hundreds
// of MB; the render must stop at its bound (a TemplateError naming the part), at save, preview and send.
import { describe, expect, it } from 'vitest';
import { assertSavable } from '../../../shared/email/stored-templates';
import { previewTemplate } from '../../../shared/email/template-send';
import {
  RENDERED_PART_MAX_CHARS,
  RENDERED_SUBJECT_MAX_CHARS,
  renderTemplate,
  TemplateError,
} from '../../../shared/email/templates';
import { ValidationError } from '../../../shared/errors';
import { storedTemplate } from './send-fixture';

const context = { contact: { email: 'a@example.com' }, workspace: { name: 'Acme', postalAddress: '1 Main St' } };
const BIG = 'x'.repeat(400_000);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const detailOf = (error: unknown) => ((error as ValidationError).details as Array<Record<string, unknown>>)[0];

describe('rendered size bounds', () => {
  it('stops a loop at the bound, in well under a second, naming the part', async () => {
    const started = performance.now();
    const error = await failure(
      renderTemplate({ subject: 'Hi', html: `{% for i in (1..700) %}<p>${BIG}</p>{% endfor %}` }, context),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('TEMPLATE_INVALID');
    expect(detailOf(error)).toMatchObject({
      path: 'html',
      reason: 'TEMPLATE_TOO_LARGE_RENDERED',
      maxChars: RENDERED_PART_MAX_CHARS,
    });
  });

  it('bounds what a capture builds too, not only what is written out', async () => {
    const html = `{% capture x %}{% for i in (1..700) %}${BIG}{% endfor %}{% endcapture %}{{ x | size }}`;
    const error = await failure(renderTemplate({ subject: 'Hi', html }, context));
    expect(detailOf(error)).toMatchObject({ path: 'html', reason: 'TEMPLATE_TOO_LARGE_RENDERED' });
  });

  it('bounds the text part and the subject', async () => {
    const text = await failure(
      renderTemplate({ subject: 'Hi', html: '<p>x</p>', text: `{% for i in (1..3) %}${BIG}{% endfor %}` }, context),
    );
    expect(detailOf(text)).toMatchObject({ path: 'text', reason: 'TEMPLATE_TOO_LARGE_RENDERED' });
    const subject = await failure(
      renderTemplate({ subject: `{% for i in (1..100) %}0123456789{% endfor %}`, html: '<p>x</p>' }, context),
    );
    expect(detailOf(subject)).toMatchObject({
      path: 'subject',
      reason: 'TEMPLATE_TOO_LARGE_RENDERED',
      maxChars: RENDERED_SUBJECT_MAX_CHARS,
    });
  });

  it('renders a template within the bounds as before', async () => {
    const rendered = await renderTemplate(
      { subject: 'Hi {{ contact.email }}', html: `{% for i in (1..2) %}<p>${BIG}</p>{% endfor %}` },
      context,
    );
    expect(rendered.html).toHaveLength(2 * (BIG.length + 7));
    expect(rendered.subject).toBe('Hi a@example.com');
  });

  it('refuses at save a marketing template whose lint render passes the bound, fast (400 TEMPLATE_INVALID)', async () => {
    const started = performance.now();
    const error = await failure(
      assertSavable({
        name: 'n',
        category: 'marketing',
        subject: 'News',
        html: `{% for i in (1..700) %}<p>${BIG}</p>{% endfor %}<a href="{{ unsubscribe_url }}">U</a>{{ workspace.postalAddress }}`,
      }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('TEMPLATE_INVALID');
    expect(detailOf(error)).toMatchObject({ path: 'html', reason: 'TEMPLATE_TOO_LARGE_RENDERED' });
  });

  it('refuses a preview whose answer would pass what a function may answer (6 MB), as 400', async () => {
    // 900,000 characters of '<' (within the part's bound): each is \u003c in the answer, 6 MB and more.
    const html = `{% for i in (1..3) %}${'<'.repeat(300_000)}{% endfor %}`;
    const error = await failure(
      previewTemplate(
        storedTemplate({ name: 't', category: 'transactional', subject: 'Hi', html }),
        { contact: { email: 'a@example.com' } },
        {
          templates: { get: async () => undefined, version: async () => undefined },
          contacts: { get: async () => undefined },
          profile: async () => ({ name: 'Acme' }),
          unsubscribePreviewUrl: 'https://app.example/u/preview',
        },
      ),
    );
    expect(error).toBeInstanceOf(TemplateError);
    expect(detailOf(error)).toMatchObject({ path: 'preview', reason: 'TEMPLATE_TOO_LARGE_RENDERED' });
  });
});
