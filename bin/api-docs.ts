/**
 * `npm run docs:api`: writes docs/API.md, docs/openapi.json and the typed client's types
 * (test/support/api-types.ts) from the route declarations and the operations' zod schemas, so
 * the reference can't drift from what both hosts serve (test/unit/api-docs.test.ts compares them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApiReference } from '../lib/api-docs/render';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = await renderApiReference();
for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, file), text);
console.log(`Wrote ${Object.keys(files).join(', ')}`);
