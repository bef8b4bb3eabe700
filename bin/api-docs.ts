/**
 * `npm run docs:api`: writes docs/API.md and docs/openapi.json from the route declarations,
 * so the reference can't drift from what both hosts serve (a test compares them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApiMarkdown, renderOpenApi } from '../lib/definition/api-docs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
fs.writeFileSync(path.join(root, 'docs/API.md'), renderApiMarkdown());
fs.writeFileSync(path.join(root, 'docs/openapi.json'), `${JSON.stringify(renderOpenApi(), null, 2)}\n`);
console.log('Wrote docs/API.md and docs/openapi.json');
