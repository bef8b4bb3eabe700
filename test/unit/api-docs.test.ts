import fs from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../../lib/api-docs/load-operations';
import { type OpenApiDocument, renderOpenApi } from '../../lib/api-docs/openapi';
import { renderApiReference } from '../../lib/api-docs/render';
import { routes } from '../../lib/definition';

// Importing every HTTP function's entry (lib/api-docs/load-operations.ts) takes a few seconds.
const LOADING_MS = 60_000;

describe('API reference', () => {
  let doc: OpenApiDocument;
  beforeAll(async () => {
    doc = renderOpenApi(await loadOperations());
  }, LOADING_MS);

  it('docs/API.md, docs/openapi.json and the client types match the code (run `npm run docs:api`)', async () => {
    for (const [file, text] of Object.entries(await renderApiReference())) {
      expect(fs.readFileSync(file, 'utf8'), file).toBe(text);
    }
  });

  it('lists every declared route once', () => {
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.sort()).toEqual(routes.map((r) => r.id).sort());
  });

  it('passes Redocly’s recommended ruleset without an error or a warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('documents each state-changing JSON route’s body from the schema the edge validates with', () => {
    const create = doc.paths['/api/contacts']?.post as {
      requestBody?: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(create.requestBody?.content['application/json']?.schema.required).toEqual(['email']);
    const importCsv = doc.paths['/api/contacts/import']?.post as { requestBody?: { content: Record<string, unknown> } };
    expect(Object.keys(importCsv.requestBody?.content ?? {})).toEqual(['text/csv', 'text/plain']);
  });

  it('a lint finding fails the check: an operation without a summary is an error', async () => {
    const broken = structuredClone(doc);
    const create = broken.paths['/api/contacts']?.post as { summary?: string };
    delete create.summary;
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(broken), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => p.ruleId)).toContain('operation-summary');
  });
});
