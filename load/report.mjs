#!/usr/bin/env node
/**
 * `npm run load:report`: renders docs/PERFORMANCE_BASELINES.md and one self-contained HTML chart
 * per run (docs/load-charts/<profile>.html, inline SVG, no scripts) from the newest Artillery
 * result of each profile in load/results/ (or the result files given as arguments).
 *
 * Every number comes from a result file and its `.meta.json` sidecar (written by load/run.mjs and
 * load/aws.mjs): thresholds and phases are read from the profile YAML and re-checked here, never
 * assumed. Usage:
 *
 *   node load/report.mjs [--out-dir DIR] [--results-dir DIR] [--profiles-dir DIR] [result.json ...]
 *
 * --out-dir (or LOAD_REPORT_OUT_DIR) replaces docs/: DIR/PERFORMANCE_BASELINES.md and
 * DIR/load-charts/. --profiles-dir replaces load/ as the place of the profile YAML files.
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
