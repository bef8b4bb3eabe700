/**
 * docs/PERFORMANCE_BASELINES.md and the charts from committed summaries only: given summaries in
 * (fixtures/docs-load/basic.json), the numbers in the output are theirs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadSummary, readSummaries } from '../../../load/common/summary';
import { schedule } from '../../../load/report/schedule';
import { renderSummaryChart, summaryChartSpecs } from '../../../load/report/summary-charts';
import { renderSummaryDocument, renderSummarySection } from '../../../load/report/summary-markdown';

const dir = path.join(import.meta.dirname, 'fixtures', 'docs-load');
const fixture = (): LoadSummary => JSON.parse(fs.readFileSync(path.join(dir, 'basic.json'), 'utf8')) as LoadSummary;
const render = (summaries: LoadSummary[]) => renderSummaryDocument(summaries, [], 'npm run load:report', undefined, []);
const overviewRow = (doc: string) => doc.split('\n').find((l) => l.startsWith('| basic, '));

describe('renderSummaryDocument', () => {
  it('reads the committed summaries it is given', () => {
    expect(readSummaries(dir).map((s) => s.profile)).toEqual(['basic']);
  });

  it("puts each summary's figures in the overview row", () => {
    const row = overviewRow(render([fixture()]));
    expect(row).toBe(
      '| basic, 2026-02-03 04:05:10 UTC | FAIL | FAIL | 12.3 | 640.6 | 1500.3 | 48.7 | 4 | 2 | 321 MB | 1.5 / 2.75 | `abc1234` (dirty: uncommitted changes) |',
    );
  });

  it('shows whatever the summary says, not numbers of its own', () => {
    const s = fixture();
    s.latencyMs.endToEnd = { count: 9, p50: 7.1, p95: 77.2, p99: 97.3, max: 99.4 };
    s.latencyMs.artilleryFirstByte = { count: 9, p50: 0.4, p95: 0.5, p99: 0.6, max: 0.7 };
    s.seed.verdict = 'PASS';
    s.targets.verdict = 'PASS';
    s.counters = { slowOver2sEndToEnd: 0, rateLimited429: 11, serverErrors5xx: 0 };
    s.server.atEnd = { rssMb: 123 };
    s.machine.loadAverageBefore = [0.25, 0.5, 0.75];
    s.machine.loadAverageAfter = [3.5, 2, 1];
    s.commit = 'fedcba9';
    s.dirty = false;

    const doc = render([s]);

    expect(overviewRow(doc)).toBe(
      '| basic, 2026-02-03 04:05:10 UTC | PASS | PASS | 7.1 | 77.2 | 97.3 | 0.6 | 0 | 0 | 123 MB | 0.25 / 3.5 | `fedcba9` |',
    );
    expect(doc).toContain(
      '- **End to end** (request issued -> last byte, waiting for a pooled connection included): p50 7.1 ms, p95 77.2 ms, p99 97.3 ms, max 99.4 ms.',
    );
    expect(doc).toContain('load average (1/5/15 min) before 0.25 / 0.5 / 0.75, after 3.5 / 2 / 1.');
  });

  it('renders the same document from the summary object and from its committed JSON', () => {
    const s = fixture();
    expect(render([JSON.parse(JSON.stringify(s)) as LoadSummary])).toBe(render([s]));
  });

  it('lists profiles without a summary as not run, with their command', () => {
    const doc = renderSummaryDocument(
      [fixture()],
      [{ key: 'stress', command: 'npm run load:stress' }],
      'x',
      undefined,
      [],
    );
    expect(doc).toContain('- stress: not run: `npm run load:stress`.');
  });
});

describe('renderSummarySection', () => {
  const section = renderSummarySection(fixture(), 'load-charts/basic.html').split('\n');

  it('labels end to end as the number and Artillery first byte apart', () => {
    expect(section).toContain(
      '- **End to end** (request issued -> last byte, waiting for a pooled connection included): p50 12.3 ms, p95 640.6 ms, p99 1500.3 ms, max 2400 ms.',
    );
    expect(section).toContain(
      "- Artillery's `http.response_time` (request written -> first byte, no connection wait): p50 3.2 ms, p95 21.4 ms, p99 48.7 ms, max 90.1 ms.",
    );
    expect(section[0]).toBe('## basic (load/basic-load.yml): FAIL; targets FAIL');
  });

  it('has the seed checks and the targets in two tables', () => {
    const seedAt = section.indexOf('Seed thresholds (the ensure block of load/basic-load.yml): **FAIL**');
    const targetsAt = section.indexOf(
      'Targets, reported separately (issue 15: p99 < 100 ms end to end, no 5xx): **FAIL**',
    );
    expect(seedAt).toBeGreaterThan(0);
    expect(targetsAt).toBeGreaterThan(seedAt);
    const seedRows = section.slice(seedAt, targetsAt).filter((l) => l.startsWith('| `'));
    expect(seedRows).toEqual([
      '| `maxErrorRate: VUs not completed / VUs created` | <= 1% | 0.67% (1 of 150) | pass |',
      '| `e2e.response_time.p95` | < 500 ms | 640.6 ms | FAIL |',
      '| `e2e.response_time.p99` | < 1000 ms | 1500.3 ms | FAIL |',
    ]);
    expect(section.slice(targetsAt).filter((l) => l.startsWith('| `e2e') || l.startsWith('| `http'))).toEqual([
      '| `e2e.response_time.p99` | < 100 ms | 1500.3 ms | FAIL |',
      '| `http.codes.5xx` | = 0 | 4 | FAIL |',
    ]);
  });

  it('has the statuses, the commit, the machine and the memory', () => {
    expect(section).toContain(
      '- Requests: 301 sent, 300 answered: 290 x 200, 6 x 429, 1 x 500, 3 x 503; network errors and failed expectations: 1 x ETIMEDOUT.',
    );
    const text = section.join('\n');
    expect(text).toContain(
      '- Commit: `abc1234` (dirty: uncommitted changes). Machine: 4 x Fixture CPU 9000, 16 GiB, Linux 6.1.0 x64, Node v24.21.0; load average (1/5/15 min) before 1.5 / 1.25 / 1, after 2.75 / 1.5 / 1.1.',
    );
    expect(text).toContain('RSS p50 300 MB, max 322 MB during the run; at the end: RSS 321 MB (peak 350 MB)');
    expect(text).toContain('a pool of 256 kept-alive connections');
    expect(text).toContain('| `GET /api/health` | 290 | 12.3 | 640.6 | 1500.3 | 2400 | 48.7 |');
  });
});

describe('summary charts', () => {
  it('plot the timeline of the summary, with the seed limits on end-to-end time', () => {
    const s = fixture();
    const [latency] = summaryChartSpecs(s, schedule([]));
    const e2eP99 = latency?.series.find((x) => x.name === 'e2e p99');
    expect(e2eP99?.points).toEqual([
      [5, 40],
      [15, 600],
      [25, 1800],
    ]);
    expect(latency?.limits).toEqual([
      { value: 500, label: 'p95 limit (< 500 ms)' },
      { value: 1000, label: 'p99 limit (< 1000 ms)' },
    ]);
    expect(renderSummaryChart(s, schedule([]))).toContain(
      '<h1>basic load test (load/basic-load.yml), 2026-02-03 04:05:10 UTC, commit abc1234 (dirty): FAIL</h1>',
    );
  });
});
