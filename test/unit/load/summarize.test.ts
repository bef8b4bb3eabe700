/**
 * The committed summary of a run (docs/load/<profile>.json), built from a small raw Artillery
 * result (fixtures/summary/): end-to-end percentiles from `e2e.response_time`, Artillery's own
 * figure kept apart, statuses, commit, load averages and memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProfile } from '../../../load/common/profiles';
import { readSummaries, stringifySummary, writeSummary } from '../../../load/common/summary';
import { analyze } from '../../../load/report/analysis';
import { readRun } from '../../../load/report/inputs';
import { summarize, summarizeResult } from '../../../load/report/summarize';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'summary');
const resultFile = path.join(fixtures, 'basic-2026-02-03T04-05-00-000Z.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'load-summary-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('summarizeResult', () => {
  const summary = summarizeResult(resultFile, fixtures);

  it('takes the end-to-end percentiles from e2e.response_time, rounded to 0.1 ms', () => {
    expect(summary.latencyMs.endToEnd).toEqual({ count: 300, p50: 12.3, p95: 640.6, p99: 1500.3, max: 2400 });
  });

  it("keeps Artillery's http.response_time apart, as the first-byte figure", () => {
    expect(summary.latencyMs.artilleryFirstByte).toEqual({ count: 300, p50: 3.2, p95: 21.4, p99: 48.7, max: 90.1 });
    expect(summary.endpoints).toEqual([
      {
        name: 'GET /api/health',
        responses: 290,
        endToEndMs: { count: 300, p50: 12.3, p95: 640.6, p99: 1500.3, max: 2400 },
        artilleryMs: { count: 290, p50: 3.2, p95: 21.4, p99: 48.7, max: 90.1 },
        codes: { '200': 290, '429': 6, '500': 1, '503': 3 },
        errors: { ETIMEDOUT: 1 },
      },
    ]);
  });

  it('counts the statuses, network errors, 429s, 5xx and slow answers', () => {
    expect(summary.requests).toEqual({
      sent: 301,
      answered: 300,
      statuses: { '200': 290, '429': 6, '500': 1, '503': 3 },
      errors: { ETIMEDOUT: 1 },
    });
    expect(summary.counters).toEqual({ slowOver2sEndToEnd: 2, rateLimited429: 6, serverErrors5xx: 4 });
    expect(summary.virtualUsers).toEqual({ asked: 150, created: 150, completed: 149, failed: 1 });
  });

  it('records the commit, whether the tree was dirty, the machine and its load averages', () => {
    expect(summary).toMatchObject({ profile: 'basic', commit: 'abc1234', dirty: true, command: 'npm run load:basic' });
    expect(summary.machine).toEqual({
      cpuModel: 'Fixture CPU 9000',
      cores: 4,
      memGiB: 16,
      os: 'Linux 6.1.0 x64',
      node: 'v24.21.0',
      loadAverageBefore: [1.5, 1.25, 1],
      loadAverageAfter: [2.75, 1.5, 1.1],
    });
  });

  it('reads commit and dirtiness from an older meta file that only has gitCommit', () => {
    const run = readRun(resultFile);
    const older = { ...run, meta: { ...run.meta, commit: undefined, dirty: undefined } } as typeof run;
    const s = summarize(analyze(older, readProfile(fixtures, 'basic')), fixtures);
    expect(s).toMatchObject({ commit: 'abc1234', dirty: true });
    const clean = { ...older, meta: { ...older.meta, gitCommit: 'def5678' } } as typeof run;
    expect(summarize(analyze(clean, readProfile(fixtures, 'basic')), fixtures)).toMatchObject({
      commit: 'def5678',
      dirty: false,
    });
  });

  it("has the server's RSS during the run and its memory at the end, from /proc and its statistics", () => {
    expect(summary.server.rssMb).toEqual({ count: 6, p50: 300, p95: 322, p99: 322, max: 322 });
    expect(summary.server.atEnd).toEqual({
      rssMb: 300,
      heapUsedMb: 100,
      heapTotalMb: 150,
      externalMb: 10,
      emulatorHeapUsedMb: 40,
      procRssMb: 321,
      procPeakRssMb: 350,
    });
    expect(summary.latencyMs.serverSide).toEqual({ count: 300, p50: 1.8, p95: 6.3, p99: 10, max: 40 });
    expect(summary.server).toMatchObject({ inFlightPeak: 7, eventLoopDelayP99Ms: 12.5, eventLoopUtilization: 0.25 });
  });

  it('takes the connection pool from the shared scenarios, or from --overrides when given', () => {
    expect(summary.connectionPool).toBe(256);
    const run = readRun(resultFile);
    const args = [
      ...((run.meta?.artilleryArgs as string[] | undefined) ?? []),
      '--overrides',
      '{"config":{"http":{"pool":64}}}',
    ];
    const overridden = { ...run, meta: { ...run.meta, artilleryArgs: args } } as typeof run;
    expect(summarize(analyze(overridden, readProfile(fixtures, 'basic')), fixtures).connectionPool).toBe(64);
  });

  it('has one timeline row per period, end to end beside Artillery p99', () => {
    const col = (name: string) => summary.timeline.columns.indexOf(name);
    expect(summary.timeline.rows).toHaveLength(3);
    const last = summary.timeline.rows[2] ?? [];
    expect([last[col('from s')], last[col('to s')], last[col('5xx')], last[col('errors')]]).toEqual([20, 30, 4, 1]);
    expect([last[col('e2e p50 ms')], last[col('e2e p99 ms')], last[col('artillery p99 ms')]]).toEqual([20.6, 1800, 50]);
  });

  it('is written as JSON that reads back to the same summary, and only summaries are read back', () => {
    const dir = path.join(tmp, 'docs-load');
    const file = writeSummary(summary, dir);
    expect(path.basename(file)).toBe('basic.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(summary);
    fs.writeFileSync(path.join(dir, 'flow-costs.json'), JSON.stringify({ command: 'x', rows: [] }));
    expect(readSummaries(dir)).toEqual([summary]);
  });

  it('keeps strings inside one-line objects as they are', () => {
    const name = 'GET /api/contacts?ids=1,2&sort=a:1';
    const tricky = {
      ...summary,
      endpoints: [{ ...summary.endpoints[0], name, errors: { [`${name} failed`]: 1 } }],
    } as typeof summary;
    expect(JSON.parse(stringifySummary(tricky))).toEqual(tricky);
  });
});
