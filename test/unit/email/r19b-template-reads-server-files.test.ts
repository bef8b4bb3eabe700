/**
 * r19b: a stored template can read files from the server's disk.
 *
 * Defect: the Liquid engines of shared/email/templates.ts (`liquid()`) are built with liquidjs's
 * defaults for file access: `fs` = node:fs, `root` = ['.'] (the process's working directory). So
 * the tags `{% include 'path' %}`, `{% render 'path' %}` and `{% layout 'path' %}` read any file
 * under the working directory and paste it into the mail. A workspace member with
 * `templates:write` saves such a template (the save only checks that it parses and the marketing
 * lint), and `POST /api/email-templates/{id}/preview` (or any send) answers the file's contents.
 * Locally the working directory holds DATA_DIR (`.data/`: `secret.key`, the key that seals every
 * tracking/unsubscribe token and encrypts secret settings, and the DynamoDB files with every
 * workspace's data); in Lambda it is the function's bundle. The module's own comment promises
 * "templates cannot run code" and a sandboxed engine; reading the host's files breaks that and
 * tenant isolation.
 *
 * Severity: HIGH (server-side file read by any template author; locally the master key and all
 * tenants' data).
 * Root cause: shared/email/templates.ts `liquid()`: the `Liquid` options leave `fs`/`root`
 * (and the file tags) at liquidjs's defaults.
 * Correct: templates have no file system: give liquidjs an in-memory `fs` / `templates: {}` that
 * holds nothing (or unregister include/render/layout), so such a tag is refused at save
 * (400 TEMPLATE_INVALID) or renders nothing; never the file's bytes.
 */
import { describe, expect, it } from 'vitest';
import { assertSavable } from '../../../shared/email/stored-templates';
import { renderTemplate, type TemplateContent } from '../../../shared/email/templates';

/** A line of this repository's package.json: a file in the process's working directory. */
const FILE_MARKER = '"name": "unite-hub-serverless"';

/** The save's checks, then the render a preview or a send does: the rendered parts, or undefined when refused. */
async function savedAndRendered(content: TemplateContent): Promise<string | undefined> {
  try {
    await assertSavable({ name: 'Newsletter', category: 'transactional', ...content });
  } catch {
    return undefined; // refused at save: fine
  }
  try {
    const rendered = await renderTemplate(content, {
      contact: { email: 'a@example.com' },
      workspace: { name: 'Acme' },
    });
    return `${rendered.subject}\n${rendered.html}\n${rendered.text}`;
  } catch {
    return undefined; // refused at render: fine
  }
}

describe('a template cannot read the server’s files', () => {
  it('{% include %} of a file in the working directory is not pasted into the mail', async () => {
    const out = await savedAndRendered({ subject: 'Hi', html: "<p>{% include 'package.json' %}</p>" });
    expect(out ?? '').not.toContain(FILE_MARKER);
  });

  it('{% render %} of a file in the working directory is not pasted into the mail', async () => {
    const out = await savedAndRendered({ subject: 'Hi', html: "<p>{% render 'package.json' %}</p>" });
    expect(out ?? '').not.toContain(FILE_MARKER);
  });

  it('{% include %} reaches a dot-directory as .data/secret.key is (DATA_DIR defaults to ./.data)', async () => {
    // `.ci/run` stands in for `.data/secret.key`: a file in a dot-directory of the working directory.
    const out = await savedAndRendered({ subject: 'Hi', html: "<pre>{% include '.ci/run' %}</pre>" });
    expect(out ?? '').not.toContain('#!/usr/bin/env bash');
  });

  it('{% layout %} of a file in the working directory is not pasted into the mail', async () => {
    const out = await savedAndRendered({ subject: 'Hi', html: "{% layout 'package.json' %}<p>x</p>" });
    expect(out ?? '').not.toContain(FILE_MARKER);
  });
});
