/**
 * `npm run load:report` (entry: load/report.mjs): renders docs/PERFORMANCE_BASELINES.md and one
 * self-contained HTML chart per run (docs/load-charts/<key>.html) from the committed run
 * summaries in docs/load/ (summary-markdown.ts, summary-charts.ts), the HTTP benchmark's
 * docs/bench/http.json and docs/load/flow-costs.json.
 *
 * With `--results-dir DIR` or result files it renders raw Artillery results instead (inputs.ts,
 * analysis.ts, markdown.ts, charts.ts): to look at a run before its summary is committed. That
 * output never goes to docs/ (`--out-dir` is required), so the committed document only ever shows
 * committed numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR } from '../common/paths';
import { isProfileName, PROFILE_NAMES, readProfile, readScenarios } from '../common/profiles';
import type { FlowCosts } from '../common/results';
import { readSummaries, SUMMARY_DIR } from '../common/summary';
import { type Analysis, analyze } from './analysis';
import { parseArgs, USAGE, UsageError } from './args';
import { renderChart } from './charts';
import { renderFlowCosts } from './flow-costs';
import { readHttpBench, renderHttpBench } from './http-bench';
import { chosenResults, newestFlowCosts, previousFindings, readRun } from './inputs';
import { type Missing, renderDocument } from './markdown';
import { schedule } from './schedule';
import { renderSummaryChart } from './summary-charts';
import { renderSummaryDocument } from './summary-markdown';

const AWS_EXAMPLE = 'npm run load:aws -- --region us-east-1 --count 10 --profile basic';

/** The default: from the committed summaries only. */
function reportFromSummaries(args: string[]) {
  const options = parseArgs(args);
  const summaries = readSummaries(process.env.LOAD_SUMMARY_DIR ?? SUMMARY_DIR);
  const order = (key: string) => (isProfileName(key) ? PROFILE_NAMES.indexOf(key) : 100);
  summaries.sort((x, y) => order(x.profile) - order(y.profile));
  const missing = PROFILE_NAMES.filter((p) => !summaries.some((s) => s.profile === p)).map((p) => ({
    key: p,
    command: `npm run load:${p}`,
  }));
  const chartsDir = path.join(options.outDir, 'load-charts');
  fs.mkdirSync(chartsDir, { recursive: true });
  for (const s of summaries) {
    const profile = s.profile.replace(/^aws-/, '');
    const plan = schedule(isProfileName(profile) ? readProfile(options.profilesDir, profile).phases : []);
    fs.writeFileSync(path.join(chartsDir, `${s.profile}.html`), renderSummaryChart(s, plan));
  }
  const costsFile = path.join(SUMMARY_DIR, 'flow-costs.json');
  const costs = fs.existsSync(costsFile)
    ? { file: path.relative(REPO_DIR, costsFile), ...(JSON.parse(fs.readFileSync(costsFile, 'utf8')) as FlowCosts) }
    : undefined;
  const extra = [...renderHttpBench(readHttpBench()), ...renderFlowCosts(costs, readScenarios(options.profilesDir))];
  const outFile = path.join(options.outDir, 'PERFORMANCE_BASELINES.md');
  const command = args.length ? `npm run load:report -- ${args.join(' ')}` : 'npm run load:report';
  fs.writeFileSync(outFile, renderSummaryDocument(summaries, missing, command, previousFindings(outFile), extra));
  console.log(`Wrote ${path.relative(process.cwd(), outFile)} and ${summaries.length} chart(s) from docs/load/`);
  for (const s of summaries) console.log(`  ${s.profile}: ${s.seed.verdict}, targets ${s.targets.verdict}`);
  for (const m of missing) console.log(`  ${m.key}: not run (${m.command})`);
}

/** `--results-dir` or result files: raw Artillery results, rendered anywhere but docs/. */
function reportFromResults(args: string[]) {
  const options = parseArgs(args);
  if (path.resolve(options.outDir) === path.join(REPO_DIR, 'docs')) {
    throw new UsageError(
      'rendering raw results needs --out-dir DIR (docs/ shows committed summaries only: npm run load:report)',
    );
  }
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
    const raw = parseArgs(args).files.length > 0 || args.includes('--results-dir');
    if (raw) reportFromResults(args);
    else reportFromSummaries(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
}
