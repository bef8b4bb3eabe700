import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import { renderApiMarkdown, renderOpenApi } from '../../lib/definition/api-docs';

describe('API reference', () => {
  it('docs/API.md and docs/openapi.json match the declarations (run `npm run docs:api`)', () => {
    expect(fs.readFileSync('docs/API.md', 'utf8')).toBe(renderApiMarkdown());
    expect(JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'))).toEqual(renderOpenApi());
  });
  it('lists every declared route once', () => {
    const spec = renderOpenApi() as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(spec.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.sort()).toEqual(routes.map((r) => r.id).sort());
  });
});
