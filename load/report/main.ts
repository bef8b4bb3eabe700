/**
 * `npm run load:report` (entry: load/report.mjs): renders docs/PERFORMANCE_BASELINES.md and one
 * self-contained HTML chart per run (docs/load-charts/<key>.html) from the newest Artillery result
 * of each profile in load/results/, or the result files given as arguments.
 *
 * inputs.ts reads the results and their sidecars, analysis.ts computes every number, markdown.ts
 * and flow-costs.ts write the document, charts.ts and line-chart.ts the charts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROFILE_NAMES, readProfile, readScenarios } from '../common/profiles';
import { type Analysis, analyze } from './analysis';
import { parseArgs, USAGE, UsageError } from './args';
import { renderChart } from './charts';
import { renderFlowCosts } from './flow-costs';
import { chosenResults, newestFlowCosts, previousFindings, readRun } from './inputs';
import { type Missing, renderDocument } from './markdown';

const AWS_EXAMPLE = 'npm run load:aws -- --region us-east-1 --count 10 --profile basic';

function report(args: string[]) {
  const options = parseArgs(args);
  const chosen = chosenResults(options);
  const analyses: Analysis[] = [];
  for (const file of Object.values(chosen)) {
    const run = readRun(file);
    analyses.push(analyze(run, readProfile(options.profilesDir, run.profile)));
  }
  const order = (a: Analysis) => PROFILE_NAMES.indexOf(a.profile) + (a.aws ? 100 : 0);
  analyses.sort((x, y) => order(x) - order(y));
  const missing: Missing[] = PROFILE_NAMES.filter((p) => !chosen[p]).map((p) => ({
    key: p,
    command: `npm run load:${p}`,
  }));
  if (!analyses.some((a) => a.aws)) missing.push({ key: 'AWS Lambda', command: AWS_EXAMPLE });

  const chartsDir = path.join(options.outDir, 'load-charts');
  fs.mkdirSync(chartsDir, { recursive: true });
  for (const a of analyses) fs.writeFileSync(path.join(chartsDir, `${a.key}.html`), renderChart(a));
  const command = args.length ? `npm run load:report -- ${args.join(' ')}` : 'npm run load:report';
  const outFile = path.join(options.outDir, 'PERFORMANCE_BASELINES.md');
  const costsLines = renderFlowCosts(newestFlowCosts(options.resultsDir), readScenarios(options.profilesDir));
  fs.writeFileSync(outFile, renderDocument(analyses, missing, command, previousFindings(outFile), costsLines));

  console.log(
    `Wrote ${path.relative(process.cwd(), outFile)} and ${analyses.length} chart(s) in ${path.relative(process.cwd(), chartsDir)}/`,
  );
  for (const a of analyses) console.log(`  ${a.key}: ${a.verdict} (${path.basename(a.file)})`);
  for (const m of missing) console.log(`  ${m.key}: not run (${m.command})`);
}

/** Runs the report; a refused command line exits 2 with the usage. */
export function main(args: string[]): void {
  try {
    report(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
}
