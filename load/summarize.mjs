#!/usr/bin/env node
/**
 * `node load/summarize.mjs load/results/<profile>-<stamp>.json [--out-dir DIR]`: writes the
 * committed summary (docs/load/<profile>.json) of a result again, as load/run.mjs does after a
 * run: for a result whose summary was lost, or after the summary's code changed.
 */
import path from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { writeSummary, SUMMARY_DIR } = await import('./common/summary.ts');
const { summarizeResult } = await import('./report/summarize.ts');
const { verdictLines } = await import('./report/verdict.ts');

const args = process.argv.slice(2);
const at = args.indexOf('--out-dir');
const outDir = at >= 0 ? path.resolve(args[at + 1] ?? '') : SUMMARY_DIR;
const files = at >= 0 ? args.filter((_a, i) => i !== at && i !== at + 1) : args;
if (files.length === 0 || (at >= 0 && !args[at + 1])) {
  console.error('usage: node load/summarize.mjs <result.json> ... [--out-dir DIR]');
  process.exit(2);
}
for (const file of files) {
  const summary = summarizeResult(path.resolve(file));
  console.log(`${path.relative(process.cwd(), writeSummary(summary, outDir))}:`);
  console.log(verdictLines(summary).join('\n'));
}
