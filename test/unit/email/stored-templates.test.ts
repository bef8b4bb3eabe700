/**
 * Stored templates: the marketing lint (a visible unsubscribe link, the postal address field),
 * parse errors naming their line, and the version rules (immutable versions, the pointer moved
 * only from the version the writer read, soft delete keeping versions readable).
 */
import { describe, expect, it } from 'vitest';
import {
  assertSavable,
  createTemplate,
  deleteTemplate,
  getTemplate,
  type TemplateInput,
  type TemplateRecord,
  type TemplateStore,
  type TemplateVersion,
  templateInputSchema,
  updateTemplate,
  versionFromIfMatch,
} from '../../../shared/email/stored-templates';
import { lintFindings } from '../../../shared/email/template-send';
import { missingMarketingParts, renderTemplate, TEMPLATE_PART_MAX_CHARS } from '../../../shared/email/templates';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors';

/** The store's contract in memory: versions written once, the pointer moved conditionally. */
function memoryTemplates(): TemplateStore & { versions: Map<string, TemplateVersion> } {
  const records = new Map<string, TemplateRecord>();
  const versions = new Map<string, TemplateVersion>();
  const key = (ws: string, id: string) => `${ws}/${id}`;
  return {
    versions,
    async create(record, first) {
      records.set(key(record.workspaceId, record.templateId), record);
      versions.set(`${key(first.workspaceId, first.templateId)}/${first.version}`, first);
    },
    async addVersion(next, updatedAt) {
      const k = key(next.workspaceId, next.templateId);
      const current = records.get(k);
      const vk = `${k}/${next.version}`;
      if (!current || current.deletedAt || current.latestVersion !== next.version - 1 || versions.has(vk)) return false;
      versions.set(vk, next);
      records.set(k, { ...current, name: next.name, latestVersion: next.version, updatedAt });
      return true;
    },
    async get(ws, id) {
      return records.get(key(ws, id));
    },
    async version(ws, id, v) {
      return versions.get(`${key(ws, id)}/${v}`);
    },
    async list(ws) {
      return { templates: [...records.values()].filter((r) => r.workspaceId === ws && !r.deletedAt) };
    },
    async markDeleted(ws, id, at) {
      const current = records.get(key(ws, id));
      if (!current || current.deletedAt) return false;
      records.set(key(ws, id), { ...current, deletedAt: at });
      return true;
    },
  };
}

const complete: TemplateInput = {
  name: 'Newsletter',
  category: 'marketing',
  subject: 'News for {{ contact.firstName }}',
  html: '<p>Hi</p><p><a class="u" href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>',
};

let ids = 0;
const deps = () => ({
  templates: memoryTemplates(),
  newId: () => `t-${++ids}`,
  now: () => new Date('2026-12-04T10:00:00Z'),
});

const lintError = async (input: TemplateInput): Promise<ValidationError> => {
  try {
    await assertSavable(input);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected the save to be refused');
};

describe('marketing lint', () => {
  it('accepts a marketing template with a visible unsubscribe link and the postal address', async () => {
    await expect(assertSavable(complete)).resolves.toBeUndefined();
    expect(missingMarketingParts(complete, 'marketing')).toEqual([]);
  });

  it('names each missing item in a TEMPLATE_LINT_FAILED 400', async () => {
    const error = await lintError({ ...complete, html: '<p>Hi</p>' });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('TEMPLATE_LINT_FAILED');
    expect((error.details as Array<{ item: string }>).map((d) => d.item)).toEqual([
      'unsubscribe_link',
      'postal_address',
    ]);
  });

  it('wants the unsubscribe URL as the href of an <a>, not merely mentioned or hidden in a comment', () => {
    const mentioned = { ...complete, html: '<p>{{ unsubscribe_url }} {{ workspace.postalAddress }}</p>' };
    expect(missingMarketingParts(mentioned, 'marketing').map((m) => m.item)).toEqual(['unsubscribe_link']);
    const commented = {
      ...complete,
      html: '<!-- <a href="{{ unsubscribe_url }}">x</a> --><p>{{ workspace.postalAddress }}</p>',
    };
    expect(missingMarketingParts(commented, 'marketing').map((m) => m.item)).toEqual(['unsubscribe_link']);
    const unquotedWithFilter = {
      ...complete,
      html: "<a\n data-x='1' href={{- unsubscribe_url | escape -}}>Leave</a>{{ workspace.postalAddress }}",
    };
    expect(missingMarketingParts(unquotedWithFilter, 'marketing')).toEqual([]);
  });

  it('accepts the postal address in the text part instead of the HTML', () => {
    const inText = {
      ...complete,
      html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      text: 'Bye. {{ workspace.postalAddress }}',
    };
    expect(missingMarketingParts(inText, 'marketing')).toEqual([]);
    expect(missingMarketingParts({ ...inText, text: 'Bye.' }, 'marketing').map((m) => m.item)).toEqual([
      'postal_address',
    ]);
  });

  it('asks nothing of transactional templates', async () => {
    await expect(
      assertSavable({ ...complete, category: 'transactional', html: '<p>Your code</p>' }),
    ).resolves.toBeUndefined();
  });

  it('refuses a template that does not parse with TEMPLATE_INVALID naming the part and line', async () => {
    const error = await lintError({ ...complete, html: `${complete.html}\n<p>\n{{ contact.firstName </p>` });
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.message).toMatch(/html does not parse \(line 3\)/);
    expect(error.details).toEqual([expect.objectContaining({ path: 'html', line: 3 })]);
  });

  it('lists a missing postal address setting and a text part without the link as findings', () => {
    const findings = lintFindings({ ...complete, text: 'Hi {{ workspace.postalAddress }}' }, 'marketing', {
      name: 'Acme',
    });
    expect(findings.map((f) => [f.item, f.severity])).toEqual([
      ['postal_address_setting', 'error'],
      ['text_unsubscribe_link', 'warning'],
    ]);
    expect(lintFindings(complete, 'marketing', { name: 'Acme', postalAddress: '1 Main St' })).toEqual([]);
  });
});

describe('template versions', () => {
  it('creates version 1 and saves each change as the next version, keeping the old ones', async () => {
    const d = deps();
    const v1 = await createTemplate('ws-1', complete, 'user-1', d);
    expect(v1).toMatchObject({ version: 1, latestVersion: 1, name: 'Newsletter' });
    const v2 = await updateTemplate(
      'ws-1',
      v1.templateId,
      { ...complete, subject: 'Second' },
      { updatedBy: 'user-2' },
      d,
    );
    expect(v2).toMatchObject({ version: 2, latestVersion: 2, subject: 'Second', createdBy: 'user-2' });
    expect((await getTemplate('ws-1', v1.templateId, undefined, d)).subject).toBe('Second');
    expect(await getTemplate('ws-1', v1.templateId, 1, d)).toMatchObject({
      version: 1,
      latestVersion: 2,
      subject: complete.subject,
    });
    await expect(getTemplate('ws-1', v1.templateId, 3, d)).rejects.toMatchObject({
      code: 'TEMPLATE_VERSION_NOT_FOUND',
    });
    await expect(getTemplate('ws-2', v1.templateId, undefined, d)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('saves only on the version the writer read (409 otherwise), and lints every save', async () => {
    const d = deps();
    const v1 = await createTemplate('ws-1', complete, 'user-1', d);
    await updateTemplate('ws-1', v1.templateId, complete, { expectedVersion: 1, updatedBy: 'a' }, d);
    const stale = updateTemplate('ws-1', v1.templateId, complete, { expectedVersion: 1, updatedBy: 'b' }, d);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ code: 'TEMPLATE_VERSION_CONFLICT', details: { latestVersion: 2 } });
    const unlinted = updateTemplate('ws-1', v1.templateId, { ...complete, html: '<p>x</p>' }, { updatedBy: 'c' }, d);
    await expect(unlinted).rejects.toMatchObject({ code: 'TEMPLATE_LINT_FAILED' });
    expect((await getTemplate('ws-1', v1.templateId, undefined, d)).version).toBe(2);
  });

  it('lets exactly one of two concurrent saves from the same version land', async () => {
    const d = deps();
    const v1 = await createTemplate('ws-1', complete, 'user-1', d);
    const outcomes = await Promise.allSettled([
      updateTemplate('ws-1', v1.templateId, { ...complete, subject: 'A' }, { expectedVersion: 1, updatedBy: 'a' }, d),
      updateTemplate('ws-1', v1.templateId, { ...complete, subject: 'B' }, { expectedVersion: 1, updatedBy: 'b' }, d),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(d.templates.versions.size).toBe(2);
  });

  it('soft-deletes: gone for reads and saves, its versions still stored for queued sends', async () => {
    const d = deps();
    const v1 = await createTemplate('ws-1', complete, 'user-1', d);
    await deleteTemplate('ws-1', v1.templateId, d);
    await expect(getTemplate('ws-1', v1.templateId, undefined, d)).rejects.toMatchObject({
      code: 'TEMPLATE_NOT_FOUND',
    });
    await expect(updateTemplate('ws-1', v1.templateId, complete, { updatedBy: 'a' }, d)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteTemplate('ws-1', v1.templateId, d)).rejects.toBeInstanceOf(NotFoundError);
    expect(await d.templates.version('ws-1', v1.templateId, 1)).toMatchObject({ subject: complete.subject });
  });

  it('reads If-Match as a version', () => {
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('"3"')).toBe(3);
    expect(versionFromIfMatch('W/"12"')).toBe(12);
    expect(versionFromIfMatch('4')).toBe(4);
    // `*`: any current version (RFC 9110 13.1.1); a missing template is the save's own 404.
    expect(versionFromIfMatch('*')).toBeUndefined();
    expect(versionFromIfMatch(' * ')).toBeUndefined();
    expect(() => versionFromIfMatch('**')).toThrow(ValidationError);
    expect(() => versionFromIfMatch('"3", "4"')).toThrow(ValidationError);
  });
});

describe('template size', () => {
  // Correctness on the largest inputs (~0.5 s alone), not a speed check: the full suite runs many
  // files at once on 2 cores, where the default 5 s ran out (speed lives in npm run bench).
  const BIG_INPUT_TIMEOUT_MS = 60_000;

  /** A marketing template of exactly `length` characters of HTML, with merge fields through it. */
  const sized = (length: number): TemplateInput => {
    const head = '<p>Hi {{ contact.firstName }}</p>';
    const tail = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p><p>{{ workspace.postalAddress }}</p>';
    const row = `<p>News for {{ contact.firstName }}: ${'all quiet on the front. '.repeat(40)}</p>\n`;
    let body = '';
    while (head.length + body.length + row.length + tail.length <= length) body += row;
    const html = `${head}${body}${'x'.repeat(length - head.length - body.length - tail.length)}${tail}`;
    return { ...complete, html };
  };

  it(
    'saves, parses and renders a valid 400,000-character template (within the schema, within the parse limit)',
    async () => {
      const input = sized(400_000);
      expect(input.html).toHaveLength(400_000);
      expect(templateInputSchema.safeParse(input).success).toBe(true);
      await expect(assertSavable(input)).resolves.toBeUndefined();
      const d = deps();
      const v1 = await createTemplate('ws-1', input, 'user-1', d);
      expect(v1.html).toHaveLength(400_000);
      const out = await renderTemplate(input, {
        contact: { firstName: 'Ada' },
        workspace: { name: 'Acme', postalAddress: '1 Main St' },
        unsubscribe_url: 'https://app.example/u/t',
      });
      expect(out.html).toContain('<p>News for Ada: all quiet');
    },
    BIG_INPUT_TIMEOUT_MS,
  );

  it(
    'parses every template the schema accepts: the longest allowed part, not one character more',
    async () => {
      const longest = sized(TEMPLATE_PART_MAX_CHARS);
      expect(templateInputSchema.safeParse(longest).success).toBe(true);
      await expect(assertSavable(longest)).resolves.toBeUndefined();
      await expect(
        assertSavable({ ...longest, category: 'transactional', text: longest.html }),
      ).resolves.toBeUndefined();
      expect(templateInputSchema.safeParse(sized(TEMPLATE_PART_MAX_CHARS + 1)).success).toBe(false);
    },
    BIG_INPUT_TIMEOUT_MS,
  );
});
