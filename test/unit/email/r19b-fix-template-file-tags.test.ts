// Review round 19: this test failed at 24f06da.
// The Liquid engines of shared/email/templates.ts kept liquidjs's file access (node:fs, root '.'):
// `{% include %}`, `{% render %}` and `{% layout %}` pasted files of the server into a mail.
import { describe, expect, it } from 'vitest';
import { assertSavable } from '../../../shared/email/stored-templates';
import { previewTemplate } from '../../../shared/email/template-send';
import { renderTemplate, type TemplateContent, TemplateError } from '../../../shared/email/templates';
import { ValidationError } from '../../../shared/errors';

/** A line of this repository's package.json, a file in the working directory. */
const FILE_MARKER = 'unite-hub-serverless';
const CONTEXT = { contact: { email: 'a@example.com' }, workspace: { name: 'Acme', postalAddress: '1 Main St' } };

/** Each way a template could name a file: every file tag, literal or dynamic, in every part. */
const CASES: ReadonlyArray<{ tag: string; content: TemplateContent }> = [
  { tag: 'include', content: { subject: 'Hi', html: "<p>{% include 'package.json' %}</p>" } },
  { tag: 'render', content: { subject: 'Hi', html: "<p>{% render 'package.json' %}</p>" } },
  { tag: 'layout', content: { subject: 'Hi', html: "{% layout 'package.json' %}<p>x</p>" } },
  { tag: 'include', content: { subject: "{% include 'package.json' %}", html: '<p>x</p>' } },
  { tag: 'render', content: { subject: 'Hi', html: '<p>x</p>', text: "{% render 'package.json' %}" } },
  { tag: 'include', content: { subject: 'Hi', html: "{% assign f = 'package.json' %}{% include f %}" } },
  { tag: 'include', content: { subject: 'Hi', html: "{% liquid\n include 'package.json'\n%}" } },
  { tag: 'render', content: { subject: 'Hi', html: "{% render 'package.json' with contact as c %}" } },
  { tag: 'include', content: { subject: 'Hi', html: "{%- include '/work/main/package.json' -%}" } },
  { tag: 'layout', content: { subject: 'Hi', html: "{% layout 'package' %}{% block x %}y{% endblock %}" } },
];

async function refusal(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('email templates have no file system', () => {
  it.each(CASES)(
    'a save is refused, 400 TEMPLATE_INVALID naming the tag: $tag in $content.html / $content.subject',
    async ({ tag, content }) => {
      const error = await refusal(() => assertSavable({ name: 'T', category: 'transactional', ...content }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('TEMPLATE_INVALID');
      expect((error as Error).message).toContain(`{% ${tag} %}`);
      expect((error as Error).message).not.toContain(FILE_MARKER);
    },
  );

  it.each(CASES)(
    'a stored or inline template fails to render (a 4xx, closed by the sender), reading nothing: $tag in $content.html / $content.subject',
    async ({ content }) => {
      const error = await refusal(() => renderTemplate(content, CONTEXT));
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as Error).message).not.toContain(FILE_MARKER);
    },
  );

  it('the preview of a stored template using a file tag answers 400 TEMPLATE_INVALID, not the file', async () => {
    const template = {
      workspaceId: 'ws',
      templateId: 't1',
      version: 1,
      latestVersion: 1,
      name: 'T',
      category: 'transactional' as const,
      subject: 'Hi',
      html: "<p>{% include 'package.json' %}</p>",
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'u1',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const error = await refusal(() =>
      previewTemplate(
        template,
        {},
        {
          templates: { get: async () => undefined, version: async () => undefined },
          contacts: { get: async () => undefined },
          profile: async () => ({ name: 'Acme' }),
          unsubscribePreviewUrl: 'https://app.example/u/preview',
        },
      ),
    );
    expect((error as ValidationError | undefined)?.code).toBe('TEMPLATE_INVALID');
  });

  it('templates without file tags still render ({% block %} alone, {% raw %} naming a tag, comments)', async () => {
    const rendered = await renderTemplate(
      {
        subject: 'Hi {{ contact.email }}',
        html: "{% block x %}<p>kept</p>{% endblock %}{% raw %}{% include 'a' %}{% endraw %}{% comment %}{% include 'b' %}{% endcomment %}",
      },
      CONTEXT,
    );
    expect(rendered.subject).toBe('Hi a@example.com');
    expect(rendered.html).toBe("<p>kept</p>{% include 'a' %}");
  });
});
