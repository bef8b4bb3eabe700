/**
 * test/support/api-types.ts: TypeScript types of the OpenAPI document (openapi-typescript), for
 * the typed client the e2e tests call the API through (test/support/api-client.ts). Generated, so
 * a route or schema change that breaks a caller fails `tsc`, and committed, so the drift test
 * compares it like the other references.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenApiDocument } from './openapi';

export async function renderApiTypes(doc: OpenApiDocument): Promise<string> {
  // A copy: openapi-typescript annotates the object it is given.
  const ast = await openapiTS(structuredClone(doc) as unknown as Parameters<typeof openapiTS>[0], {
    silent: true,
    // A field with a default may be left out of a request: the edge fills it in.
    defaultNonNullable: false,
  });
  return `/**\n * Generated from docs/openapi.json by \`npm run docs:api\`; do not edit by hand.\n */\n\n${astToString(ast)}`;
}
