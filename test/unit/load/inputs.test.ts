/** What the report reads: its command line, the chosen results and what lies beside them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOAD_DIR, REPO_DIR, RESULTS_DIR } from '../../../load/common/paths';
import { parseArgs, UsageError } from '../../../load/report/args';
import { chosenResults, newestFlowCosts, previousFindings, readRun } from '../../../load/report/inputs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-inputs-'));
const write = (name: string, content: unknown) =>
  fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
const result = { aggregate: { firstMetricAt: 1, lastMetricAt: 2 } };
// the newest first: the choice must not depend on the order the directory lists them in
write('basic-2026-02-01T00-00-00-000Z.json', result);
write('basic-2026-01-01T00-00-00-000Z.json', result);
write('basic-2026-02-01T00-00-00-000Z.meta.json', { command: 'npm run load:basic' });
write(
  'basic-2026-02-01T00-00-00-000Z.server-stats.jsonl',
  `${JSON.stringify({ kind: 'window', requests: 3 })}\n${JSON.stringify({ kind: 'total', requests: 5 })}\n`,
);
write('aws-basic-2026-01-15T00-00-00-000Z.json', result);
write('aws-basic-2026-01-15T00-00-00-000Z.meta.json', '{ not json');
write('flow-costs-2026-03-01T00-00-00-000Z.json', { command: 'new', rows: [] });
write('flow-costs-2026-01-01T00-00-00-000Z.json', { command: 'old', rows: [] });
write('notes.json', {});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parseArgs', () => {
  it('defaults to docs/, load/results/ and load/; LOAD_REPORT_OUT_DIR moves the output', () => {
    expect(parseArgs([], {})).toEqual({
      outDir: path.join(REPO_DIR, 'docs'),
      resultsDir: RESULTS_DIR,
      profilesDir: LOAD_DIR,
      files: [],
    });
    expect(parseArgs([], { LOAD_REPORT_OUT_DIR: 'out' }).outDir).toBe(path.resolve('out'));
  });

  it('takes directories and result files, and refuses an unknown option or a flag without its value', () => {
    expect(parseArgs(['--out-dir', 'a', '--results-dir', 'b', '--profiles-dir', 'c', 'x.json'], {})).toEqual({
      outDir: path.resolve('a'),
      resultsDir: path.resolve('b'),
      profilesDir: path.resolve('c'),
      files: [path.resolve('x.json')],
    });
    expect(() => parseArgs(['--nope'], {})).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseArgs(['--results-dir'], {})).toThrow(new UsageError('--results-dir needs a directory'));
  });
});

describe('chosen results', () => {
  it('takes the newest result of each key, never a sidecar or another JSON file', () => {
    expect(chosenResults({ ...parseArgs([], {}), resultsDir: dir })).toEqual({
      basic: path.join(dir, 'basic-2026-02-01T00-00-00-000Z.json'),
      'aws-basic': path.join(dir, 'aws-basic-2026-01-15T00-00-00-000Z.json'),
    });
    expect(chosenResults({ ...parseArgs([], {}), resultsDir: path.join(dir, 'none') })).toEqual({});
  });

  it('takes the files named instead, and refuses one that is not a result', () => {
    const older = path.join(dir, 'basic-2026-01-01T00-00-00-000Z.json');
    expect(chosenResults(parseArgs([older], {}))).toEqual({ basic: older });
    expect(() => chosenResults(parseArgs([path.join(dir, 'notes.json')], {}))).toThrow(UsageError);
  });
});

describe('readRun', () => {
  it('reads the result with its meta file and the server statistics beside it', () => {
    const run = readRun(path.join(dir, 'basic-2026-02-01T00-00-00-000Z.json'));
    expect(run).toMatchObject({ key: 'basic', profile: 'basic', aws: false, meta: { command: 'npm run load:basic' } });
    expect(run.metaFile).toBe(path.join(dir, 'basic-2026-02-01T00-00-00-000Z.meta.json'));
    expect(run.serverStats?.windows.map((w) => w.requests)).toEqual([3]);
    expect(run.serverStats?.total?.requests).toBe(5);
  });

  it('says so and goes on without a meta file that is not JSON', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const run = readRun(path.join(dir, 'aws-basic-2026-01-15T00-00-00-000Z.json'));
    expect(run).toMatchObject({ key: 'aws-basic', aws: true, meta: undefined, metaFile: undefined });
    expect(run.serverStats).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Ignoring '));
    warn.mockRestore();
  });
});

describe('flow costs and findings', () => {
  it('reads the newest npm run load:costs result, with its file name', () => {
    expect(newestFlowCosts(dir)).toMatchObject({ file: 'flow-costs-2026-03-01T00-00-00-000Z.json', command: 'new' });
    expect(newestFlowCosts(path.join(dir, 'none'))).toBeUndefined();
  });

  it('keeps the hand-written findings block of the previous document', () => {
    const findings = '<!-- findings -->\nkept\n<!-- /findings -->';
    write('doc.md', `# old\n\n${findings}\n\nold numbers\n`);
    expect(previousFindings(path.join(dir, 'doc.md'))).toBe(findings);
    expect(previousFindings(path.join(dir, 'none.md'))).toBeUndefined();
  });
});
