/** The names of result files: what run.mjs, aws.mjs and flow-costs.mjs write is what the report reads. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULTS_DIR } from '../../../load/common/paths';
import { FLOW_COSTS_NAME, parseResultName, resultFile, resultStamp, sidecarOf } from '../../../load/common/results';

const stamp = resultStamp(new Date('2026-11-25T20:22:47.553Z'));

describe('result file names', () => {
  it('stamps a name with the start time, safe in a file name and sorting by time', () => {
    expect(stamp).toBe('2026-11-25T20-22-47-553Z');
    expect(resultStamp(new Date('2026-11-25T20:22:48.000Z')) > stamp).toBe(true);
  });

  it('reads back the profile of what a local run and an AWS run write', () => {
    expect(resultFile('basic', stamp)).toBe(path.join(RESULTS_DIR, `basic-${stamp}.json`));
    expect(parseResultName(resultFile('basic', stamp))).toEqual({ key: 'basic', profile: 'basic', aws: false, stamp });
    expect(parseResultName(resultFile('aws-spike', stamp))).toEqual({
      key: 'aws-spike',
      profile: 'spike',
      aws: true,
      stamp,
    });
  });

  it('never takes a sidecar, a flow-costs result or an unknown profile for a result', () => {
    const result = resultFile('stress', stamp);
    expect(sidecarOf(result, '.meta.json')).toBe(path.join(RESULTS_DIR, `stress-${stamp}.meta.json`));
    expect(parseResultName(sidecarOf(result, '.meta.json'))).toBeUndefined();
    expect(parseResultName(sidecarOf(result, '.server-stats.jsonl'))).toBeUndefined();
    expect(parseResultName(resultFile('flow-costs', stamp))).toBeUndefined();
    expect(parseResultName(`soak-${stamp}.json`)).toBeUndefined();
    expect(parseResultName(`constructor-${stamp}.json`)).toBeUndefined();
  });

  it('finds what npm run load:costs writes, and only that, as flow costs', () => {
    expect(FLOW_COSTS_NAME.test(path.basename(resultFile('flow-costs', stamp)))).toBe(true);
    expect(FLOW_COSTS_NAME.test(path.basename(sidecarOf(resultFile('flow-costs', stamp), '.server.log')))).toBe(false);
    expect(FLOW_COSTS_NAME.test(`basic-${stamp}.json`)).toBe(false);
  });
});
