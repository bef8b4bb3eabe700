/**
 * `npm run load:report` (load/report.mjs over the modules in load/report/) on a small hand-made
 * Artillery result (test/fixtures/load/): the numbers in the rendered report and chart are
 * computed from the fixture, not copied from it or assumed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFlowCosts } from '../../load/report/flow-costs';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/load');
const resultName = 'basic-2026-01-02T03-03-58-500Z';
const tmpDirs: string[] = [];

function render(args: string[], out = fs.mkdtempSync(path.join(os.tmpdir(), 'load-report-'))) {
  tmpDirs.push(out);
  const run = spawnSync(process.execPath, ['load/report.mjs', '--out-dir', out, '--profiles-dir', fixtures, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');
  return { run, out, read };
}

/** A copy of the fixture result (and its meta) with `change` applied, in a fresh directory. */
function variant(change: (result: { aggregate: { summaries: Record<string, Record<string, number>> } }) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-fixture-'));
  tmpDirs.push(dir);
  const result = JSON.parse(fs.readFileSync(path.join(fixtures, `${resultName}.json`), 'utf8'));
  change(result);
  fs.writeFileSync(path.join(dir, `${resultName}.json`), JSON.stringify(result));
  fs.copyFileSync(path.join(fixtures, `${resultName}.meta.json`), path.join(dir, `${resultName}.meta.json`));
  return dir;
}

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run load:report', () => {
  const { run, read, out } = render(['--results-dir', fixtures]);
  const doc = run.status === 0 ? read('PERFORMANCE_BASELINES.md') : '';

  it('renders the document and one chart per result, never taking the meta file for a result', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(out, 'load-charts'))).toEqual(['basic.html']);
    expect(doc).toContain('- Chart: [load-charts/basic.html](load-charts/basic.html)');
  });

  it('re-checks each threshold from the numbers: p99 1234.5 ms fails its 1000 ms limit, p95 passes', () => {
    expect(doc).toContain('## basic (basic-load.yml): FAIL');
    expect(doc).toContain('| `http.response_time.p99` | < 1000 ms | 1234.5 ms | FAIL |');
    expect(doc).toContain('| `http.response_time.p95` | < 500 ms | 456.7 ms | pass |');
    expect(doc).toContain('| `maxErrorRate: VUs not completed / VUs created` | <= 1% | 0.37% (4 of 1070) | pass |');
  });

  it('shows the per-endpoint percentiles, status codes and errors', () => {
    expect(doc).toContain(
      '| `GET /api/csrf-token (single client)` | 713 | 20.1 | 480.9 | 1301.7 | 2210 | 588 x 200, 125 x 429 | none |',
    );
    expect(doc).toContain(
      '| `GET /api/health` | 889 | 3.1 | 420.4 | 1100.2 | 2345 | 883 x 200, 6 x 503 | 4 x ETIMEDOUT |',
    );
  });

  it('computes sustained throughput, rate limiting and the generator check from the periods', () => {
    // (305 + 508 + 493) responses over the last three 10 s periods
    expect(doc).toContain('Max sustained throughput: 43.5 responses/s (any status; 39.9/s without the 429s)');
    expect(doc).toContain('t = 30-60 s; requests sent there: 43.7/s');
    expect(doc).toContain(
      'the first 429 came in the period t = 10-20 s into the run (5 that period), while the phases asked for 5 new virtual users/s (phase "warm up"); 125 in total',
    );
    // the phases ask for 200 + 97.4 + 202.6 + 800 = 1200 VUs; the 40/s peak got 340 and 330 of 400
    expect(doc).toContain('asked for 1200 virtual users, created 1070 (89.17%)');
    expect(doc).toContain('asked 1002, created 873 (-12.9%)');
    expect(doc).toContain('the generator, not the server, was the limit');
  });

  it('reports the custom counters, server and generator CPU, and the run from its meta file', () => {
    expect(doc).toContain('(`custom.slow_responses_over_2s`): 3');
    expect(doc).toContain('(`custom.server_errors_5xx`): 6');
    expect(doc).toContain('(`custom.rate_limit_hits_429`): 125');
    expect(doc).toContain('Server process: CPU median 62.1%, p95 125.2%, max 128%');
    expect(doc).toContain('RSS median 270 MB, max 322 MB');
    expect(doc).toContain('generator CPU median 47%, p95 98.5%, max 99% of one core');
    expect(doc).toContain('- Command: `TARGET=http://127.0.0.1:3018 npm run load:basic`');
    expect(doc).toContain('- Commit: `0123456789ab`');
    expect(doc).toContain('- Machine: 2 x Fixture CPU 3000, 8 GiB RAM, Linux 6.1.0, Node v24.21.0.');
    expect(doc).toContain('started 2026-01-02 03:03:58 UTC');
  });

  it('names every profile without a result and the command to run it; no blanks', () => {
    expect(doc).toContain('- smoke: not run: `npm run load:smoke`.');
    expect(doc).toContain('- stress: not run: `npm run load:stress`.');
    expect(doc).toContain('- spike: not run: `npm run load:spike`.');
    expect(doc).toContain(
      '- AWS Lambda: not run: `npm run load:aws -- --region us-east-1 --count 10 --profile basic`.',
    );
    // The line around the first blank, so a failure shows where it is (the document is long).
    const blank = doc.match(/^.*(?:undefined|NaN|n\/a|\| \|).*$/m)?.[0];
    expect(blank).toBeUndefined();
  });

  it('draws a self-contained chart: inline SVG, the right series, no scripts or remote resources', () => {
    const html = read('load-charts/basic.html');
    expect(html).toContain(
      '<title>basic load test (basic-load.yml), 2026-01-02 03:03:58 UTC, commit 0123456789ab</title>',
    );
    expect(html).not.toMatch(/<script|src=|href=|url\(/i);
    const charts = Object.fromEntries(
      [...html.matchAll(/<svg[^>]*data-chart="(\w+)"[\s\S]*?<\/svg>/g)].map((m) => [
        m[1],
        [...(m[0] as string).matchAll(/<g class="series" data-series="([^"]+)"/g)].map((s) => s[1]),
      ]),
    );
    expect(charts).toEqual({
      latency: ['p50', 'p95', 'p99'],
      throughput: ['responses/s', '429/s', '5xx/s', 'errors/s (network, expectations)'],
      arrivals: ['created', 'asked by the phases'],
      cpu: ['server CPU %', 'generator CPU %'],
      memory: ['server RSS MB'],
    });
    // six periods, one point each; the three phases' starts after 0 s as dashed lines
    const latency = /<svg[^>]*data-chart="latency"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(latency.match(/<circle /g)).toHaveLength(18);
    expect(latency.match(/class="phase"/g)).toHaveLength(2);
    expect(latency).toContain('p99 limit (&lt; 1000 ms)');
  });

  it('passes the p99 threshold when the same run measured 999 ms', () => {
    const dir = variant((r) => {
      const all = r.aggregate.summaries['http.response_time'];
      if (all) all.p99 = 999;
    });
    const again = render(['--results-dir', dir]);
    expect(again.run.status).toBe(0);
    const text = again.read('PERFORMANCE_BASELINES.md');
    expect(text).toContain('| `http.response_time.p99` | < 1000 ms | 999 ms | pass |');
    expect(text).toContain('## basic (basic-load.yml): PASS');
  });

  it('keeps the hand-written findings block of the document it replaces', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'load-report-'));
    const findings =
      '<!-- findings -->\n## Findings\n\nThe login hashes passwords on the event loop.\n<!-- /findings -->';
    fs.writeFileSync(path.join(out, 'PERFORMANCE_BASELINES.md'), `# old\n\nold numbers 1 2 3\n\n${findings}\n`);
    const again = render(['--results-dir', fixtures], out);
    expect(again.run.status).toBe(0);
    const text = again.read('PERFORMANCE_BASELINES.md');
    expect(text).toContain(findings);
    expect(text).not.toContain('old numbers');
  });

  it('refuses a file that is not a result, such as a meta sidecar', () => {
    const bad = render([path.join(fixtures, `${resultName}.meta.json`)]);
    expect(bad.run.status).toBe(2);
    expect(bad.run.stderr).toContain('is not a result file');
  });
});

describe('server cost per flow (npm run load:costs)', () => {
  it('renders the measured costs and the cost of a virtual user of the mix, from the weights', () => {
    const lines = renderFlowCosts(
      {
        file: 'flow-costs-2026-01-02T03-04-05-000Z.json',
        command: 'npm run load:costs',
        at: '2026-01-02T03:04:05.000Z',
        machine: { cpuModel: 'Test CPU', cores: 2 },
        concurrency: 5,
        rows: [
          { flow: 'health', iterations: 200, serverCpuMsPerFlow: 1, wallMsPerFlow: 2 },
          { flow: 'contacts write', iterations: 200, serverCpuMsPerFlow: 80, wallMsPerFlow: 60 },
          { flow: 'single client hammer (refused)', iterations: 200, serverCpuMsPerFlow: 2, wallMsPerFlow: 1 },
        ],
      },
      [
        { name: 'health', weight: 80 },
        { name: 'contacts write', weight: 10 },
        { name: 'single client hammer', weight: 10 },
      ],
    ).join('\n');
    expect(lines).toContain('| contacts write | 10 | 80 | 60 |');
    // 0.8 x 1 + 0.1 x 80 + 0.1 x 2 x 5 requests = 9.8 ms a virtual user: ~102/s fill one core.
    expect(lines).toContain('about 9.8 ms of CPU');
    expect(lines).toContain('102 new virtual users/s keep one core busy');
  });

  it('says how to produce it when it was never run', () => {
    expect(renderFlowCosts(undefined, []).join('\n')).toContain('not run: `npm run load:costs`');
  });
});
