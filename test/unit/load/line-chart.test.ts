/** The SVG line chart: self-contained markup, gaps, log scale, phases and limits. */
import { describe, expect, it } from 'vitest';
import { esc, lineChart, niceStep } from '../../../load/report/line-chart';

const base = { id: 'latency', title: 'Latency', yLabel: 'ms', phases: [], xMax: 30 };
const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);

describe('lineChart', () => {
  it('picks round tick steps', () => {
    expect(niceStep(47, 10)).toBe(5);
    expect(niceStep(300, 10)).toBe(50);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('escapes text for HTML', () => {
    expect(esc(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });

  it('draws one group per series, a point per value, and lifts the pen over a gap', () => {
    const svg = lineChart({
      ...base,
      series: [
        {
          name: 'p50',
          points: [
            [0, 1],
            [10, undefined],
            [20, 3],
          ],
        },
        {
          name: 'p<99>',
          points: [
            [0, 2],
            [10, 4],
          ],
          dash: true,
        },
      ],
    });
    expect([...svg.matchAll(/data-series="([^"]+)"/g)].map((m) => m[1])).toEqual(['p50', 'p&lt;99&gt;']);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    const [first, second] = paths(svg);
    expect(first?.match(/[ML]/g)).toEqual(['M', 'M']);
    expect(second?.match(/[ML]/g)).toEqual(['M', 'L']);
    expect(svg).toContain('stroke-dasharray="7 4"');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('on a log scale, leaves out values and limits at or below zero', () => {
    const svg = lineChart({
      ...base,
      log: true,
      series: [
        {
          name: 'p99',
          points: [
            [0, 0],
            [10, 5],
            [20, 5000],
          ],
        },
      ],
      limits: [
        { value: 0, label: 'zero limit' },
        { value: 1000, label: 'p99 limit (&lt; 1000 ms)' },
      ],
    });
    expect(svg).toContain('Latency (log scale)');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toContain('zero limit');
    expect(svg.match(/class="limit"/g)).toHaveLength(1);
  });

  it('marks where each phase after the start begins, and names every phase within the axis', () => {
    const svg = lineChart({
      ...base,
      series: [{ name: 'p50', points: [[5, 1]] }],
      phases: [
        { name: 'warm up', start: 0 },
        { name: 'peak', start: 20 },
        { name: 'after', start: 30 },
      ],
    });
    expect(svg.match(/class="phase"/g)).toHaveLength(1);
    expect([...svg.matchAll(/class="phase-label">([^<]+)</g)].map((m) => m[1])).toEqual(['warm up', 'peak']);
  });
});
