/** The arrival rate the phases ask for, as Artillery 2 schedules it. */
import { describe, expect, it } from 'vitest';
import { schedule, seconds } from '../../../load/report/schedule';

describe('seconds', () => {
  it.each([
    [30, 30],
    ['30', 30],
    ['45s', 45],
    ['2 min', 120],
    ['1m', 60],
    ['500ms', 0.5],
    ['1h', 3600],
    ['soon', 0],
    [undefined, 0],
  ])('%j is %d s', (value, expected) => {
    expect(seconds(value)).toBe(expected);
  });
});

describe('schedule', () => {
  it('steps a ramp once a second, from arrivalRate to rampTo inclusive', () => {
    const plan = schedule([{ duration: 11, arrivalRate: 0, rampTo: 10 }]);
    // 0, 1, ..., 10 new virtual users in the seconds 0..10
    expect(plan.expected(0, 11)).toBe(55);
    expect(plan.expected(3, 4)).toBe(3);
    // half of second 0 (rate 0) and half of second 1 (rate 1)
    expect(plan.expected(0.5, 1.5)).toBe(0.5);
  });

  it('lays phases end to end: constant, pause, arrivalCount, a one-second ramp', () => {
    const plan = schedule([
      { duration: 10, arrivalRate: 5, name: 'warm up' },
      { pause: '5s' },
      { duration: 10, arrivalCount: 50 },
      { duration: 1, arrivalRate: 4, rampTo: 8 },
    ]);
    expect(plan.total).toBe(26);
    expect(plan.segments.map((s) => [s.name, s.start, s.end])).toEqual([
      ['warm up', 0, 10],
      ['phase 2', 10, 15],
      ['phase 3', 15, 25],
      ['phase 4', 25, 26],
    ]);
    expect(plan.expected(0, 10)).toBe(50);
    expect(plan.expected(10, 15)).toBe(0);
    expect(plan.expected(15, 25)).toBe(50);
    expect(plan.expected(25, 26)).toBe(6);
    expect(plan.expected(5, 20)).toBe(25 + 0 + 25);
  });

  it('names the phase at a time, the last one after the end, none without phases', () => {
    const plan = schedule([
      { duration: 10, arrivalRate: 1, name: 'a' },
      { duration: 10, arrivalRate: 2, name: 'b' },
    ]);
    expect(plan.phaseAt(9.9)?.name).toBe('a');
    expect(plan.phaseAt(10)?.name).toBe('b');
    expect(plan.phaseAt(99)?.name).toBe('b');
    expect(schedule([]).phaseAt(0)).toBeUndefined();
    expect(schedule([]).expected(0, 100)).toBe(0);
  });
});
