/** The schedule a profile's phases ask for: new virtual users per second along the run. */
import type { Phase } from '../common/profiles';

const UNIT_SECONDS = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600 } as const;

/** `30`, `'30'`, `'30s'`, `'1m'`, `'500ms'` in seconds; 0 for what Artillery would not read either. */
export function seconds(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?$/.exec(String(value ?? '').trim());
  if (!m) return 0;
  // the pattern admits only the units of the table
  return Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's') as keyof typeof UNIT_SECONDS];
}

export interface Segment {
  name: string;
  /** Seconds since the start of the run. */
  start: number;
  end: number;
  /** New virtual users per second, `x` seconds into the segment. */
  rateAt: (x: number) => number;
  /** A ramp: the rate changes once a second. */
  stepped?: boolean;
}

export interface Plan {
  segments: Segment[];
  /** Seconds the phases last. */
  total: number;
  /** New VUs the phases ask for in [a, b) (seconds since start). */
  expected(a: number, b: number): number;
  phaseAt(t: number): Segment | undefined;
}

/**
 * The phases as segments on the run's time axis (seconds since start) with the arrival rate
 * (new virtual users per second) they ask for. Ramps follow Artillery 2's own stepping: one
 * rate per second, `arrivalRate + (rampTo - arrivalRate) / (duration - 1) * second`.
 */
export function schedule(phases: Phase[]): Plan {
  let start = 0;
  const segments = phases.map((phase, i) => {
    const duration = seconds(phase.duration ?? phase.pause);
    const segment: Segment = { name: phase.name ?? `phase ${i + 1}`, start, end: start + duration, rateAt: () => 0 };
    if (phase.pause !== undefined) segment.rateAt = () => 0;
    else if (phase.arrivalCount !== undefined) segment.rateAt = () => Number(phase.arrivalCount) / duration;
    else if (phase.rampTo !== undefined) {
      const from = Number(phase.arrivalRate ?? 0);
      const to = Number(phase.rampTo);
      segment.stepped = true;
      segment.rateAt = (x) =>
        duration <= 1 ? (from + to) / 2 : from + ((to - from) / (duration - 1)) * Math.min(Math.floor(x), duration - 1);
    } else segment.rateAt = () => Number(phase.arrivalRate ?? 0);
    start += duration;
    return segment;
  });
  return {
    segments,
    total: start,
    expected(a, b) {
      let sum = 0;
      for (const s of segments) {
        const from = Math.max(a, s.start);
        const to = Math.min(b, s.end);
        if (to <= from) continue;
        if (!s.stepped) {
          sum += s.rateAt(0) * (to - from);
          continue;
        }
        for (let k = Math.floor(from - s.start); k < to - s.start; k++) {
          const overlap = Math.min(to, s.start + k + 1) - Math.max(from, s.start + k);
          if (overlap > 0) sum += s.rateAt(k) * overlap;
        }
      }
      return sum;
    },
    phaseAt(t) {
      return segments.find((s) => t >= s.start && t < s.end) ?? segments.at(-1);
    },
  };
}
