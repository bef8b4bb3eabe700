/** Every generated API reference file, by repository path: what `npm run docs:api` writes and the drift test compares. */
import { renderApiTypes } from './client-types';
import { loadOperations } from './load-operations';
import { renderApiMarkdown } from './markdown';
import { renderOpenApi } from './openapi';

export const API_REFERENCE_FILES = {
  markdown: 'docs/API.md',
  openApi: 'docs/openapi.json',
  types: 'test/support/api-types.ts',
} as const;

export async function renderApiReference(): Promise<Record<string, string>> {
  const doc = renderOpenApi(await loadOperations());
  return {
    [API_REFERENCE_FILES.markdown]: renderApiMarkdown(doc),
    [API_REFERENCE_FILES.openApi]: `${JSON.stringify(doc, null, 2)}\n`,
    [API_REFERENCE_FILES.types]: await renderApiTypes(doc),
  };
}
