/**
 * Defect (HIGH): a render's memory is still unbounded. b2d6cc8 bounds each *output* a render writes
 * (BoundedOutput, 1M characters, and each `{% capture %}` gets a fresh 1M bound), but nothing bounds
 * how many of those captures a render keeps: a capture in a constant loop, flattened by a
 * `contains` test (no memory accounting) and kept with `push` (charged one unit per array element,
 * not per character), holds hundreds of MB while the output is three characters. A ~10 KB marketing
 * template (link and address present, so it saves and passes every lint) makes each render hold
 * ~400 MB in ~0.3 s (well inside renderLimit 500 ms); the html and text parts render in parallel, so
 * the 512 MB email-sender Lambda (lib/definition/index.ts) is killed out of memory on every delivery
 * of the message: a poison message that takes the other workspaces' mails of its SQS batch down with
 * it on each retry, and the 512 MB email-templates function dies on its save and its preview.
 *
 * Root cause: shared/email/templates.ts withBoundedOutput / BoundedOutput: the bound is per emitter,
 * not per render; capture output is not charged to the render's memoryLimit (liquidjs charges
 * filters, not tags), so `capture` + `push` allocates without limit.
 *
 * Correct: what a render builds in total (every capture's text, not only each one alone) is bounded
 * (e.g. charge each capture's buffer to ctx.memoryLimit, or one BoundedOutput budget per render
 * shared by its captures): the render is refused with a TemplateError (400 at save/preview, a
 * closed send), as a loop writing the same text out is.
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError } from '../../../shared/email/templates';

const context = {
  contact: { email: 'a@example.com' },
  workspace: { name: 'Acme', postalAddress: '1 Main St' },
  unsubscribe_url: 'https://app.example/u/tok',
};

// 150 captures of ~990K characters each, each flattened (contains) and kept (push): ~150M characters
// held at once (the real attack needs 400+ for an OOM; kept small here so the test machine survives).
const piece = 'x'.repeat(10_000);
const hoarding =
  '{% assign kept = "" | split: "," %}' +
  `{% for i in (1..150) %}{% capture c %}{% for j in (1..99) %}${piece}{% endfor %}{% endcapture %}` +
  '{% if c contains "q" %}{% endif %}{% assign kept = kept | push: c %}{% endfor %}' +
  '{{ kept | size }}<a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>';

describe('a render holding 150M characters of captures is refused', () => {
  it('refuses the render instead of holding every capture (≈150 MB here, unbounded in general)', async () => {
    const outcome = await renderTemplate({ subject: 'News', html: hoarding }, context).then(
      (rendered) => `rendered: ${rendered.html.slice(0, 12)}... (${hoarding.length}-char template held ~148M chars)`,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(TemplateError);
  });
});
