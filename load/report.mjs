#!/usr/bin/env node
/**
 * `npm run load:report`: renders docs/PERFORMANCE_BASELINES.md and one self-contained HTML chart
 * per run (docs/load-charts/<profile>.html, inline SVG, no scripts) from the committed run
 * summaries in docs/load/ (written by `npm run load:<profile>`), docs/bench/http.json
 * (`npm run bench:http`) and docs/load/flow-costs.json (`npm run load:costs`). Usage:
 *
 *   node load/report.mjs [--out-dir DIR] [--profiles-dir DIR]
 *   node load/report.mjs --out-dir DIR [--results-dir DIR] [--profiles-dir DIR] [result.json ...]
 *
 * The second form renders raw Artillery results (load/results/, git-ignored), to look at a run
 * before its summary is committed; it needs --out-dir, so docs/ only ever shows committed
 * numbers. --out-dir (or LOAD_REPORT_OUT_DIR) replaces docs/; LOAD_SUMMARY_DIR replaces
 * docs/load/ as the place of the summaries; --profiles-dir replaces load/ as the place of the
 * profile YAML files.
 *
 * This file is only the entry: the report is TypeScript, in load/report/ (and load/common/,
 * shared with the other load scripts), compiled here by tsx (what `npm start` runs on), so plain
 * `node` runs it. Import those modules, not this file: run, it rewrites docs/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  register();
  const { main } = await import('./report/main.ts');
  main(process.argv.slice(2));
}
