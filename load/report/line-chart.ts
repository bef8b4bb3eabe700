/** One line chart as inline SVG: no scripts, styled by the page's CSS classes. */
import { fmt } from './format';

/** `[x, y]`; y undefined is a gap in the line. */
export type Point = [number, number | undefined];
export interface Series {
  name: string;
  points: Point[];
  dash?: boolean;
}
export interface ChartOptions {
  id: string;
  title: string;
  yLabel: string;
  series: Series[];
  /** Drawn as dashed verticals at their start, with their name. */
  phases: { name: string; start: number }[];
  xMax: number;
  log?: boolean;
  /** Drawn as dotted horizontals. */
  limits?: { value: number; label: string }[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values for HTML. */
export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);

/** 1, 2 or 5 times a power of ten: the tick step that gives about `target` ticks over `range`. */
export function niceStep(range: number, target: number): number {
  const raw = range / Math.max(target, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => raw <= s);
  return step ?? 10 * magnitude;
}

interface Scale {
  lo: number;
  hi: number;
  ticks: number[];
  /** 0 at `lo`, 1 at `hi`. */
  map: (v: number) => number;
}

function yScale(values: (number | undefined)[], log: boolean, extra: number[]): Scale {
  const all = [...values, ...extra].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (log) {
    const positive = all.filter((v) => v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
    const ticks: number[] = [];
    for (let d = lo; d <= hi; d *= 10) for (const f of [1, 2, 5]) if (d * f <= hi) ticks.push(d * f);
    return { lo, hi, ticks, map: (v) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) };
  }
  const max = Math.max(...all, 0);
  const step = niceStep(max || 1, 5);
  const hi = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= hi + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { lo: 0, hi, ticks, map: (v) => v / hi };
}

/**
 * One line chart: `series` = [{ name, points: [[x, y|undefined]] }] (undefined = a gap); phase
 * starts as dashed verticals; `limits` as dotted horizontals. Each series is a `<g class="series">`.
 */
export function lineChart({ id, title, yLabel, series, phases, xMax, log = false, limits = [] }: ChartOptions): string {
  const W = 960;
  const H = 320;
  const m = { l: 70, r: 20, t: 56, b: 46 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const values = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y !== undefined && (!log || y > 0));
  const y = yScale(
    values,
    log,
    limits.map((l) => l.value),
  );
  const xStep = niceStep(xMax, 10);
  const X = (x: number) => m.l + (x / xMax) * pw;
  const Y = (v: number) => m.t + ph - y.map(v) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" data-chart="${esc(id)}" aria-label="${esc(title)}">`,
    `<text x="${m.l}" y="20" class="title">${esc(title)}${log ? ' (log scale)' : ''}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" class="plot"/>`,
  ];
  for (const t of y.ticks) {
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" class="tick" text-anchor="end">${fmt(t, 2)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<text x="${X(x).toFixed(1)}" y="${m.t + ph + 16}" class="tick" text-anchor="middle">${fmt(x, 0)}</text>`);
  }
  out.push(`<text x="${m.l + pw / 2}" y="${H - 8}" class="axis" text-anchor="middle">seconds since start</text>`);
  out.push(
    `<text x="16" y="${m.t + ph / 2}" class="axis" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">${esc(yLabel)}</text>`,
  );
  for (const p of phases) {
    if (p.start <= 0 || p.start >= xMax) continue;
    out.push(
      `<line x1="${X(p.start).toFixed(1)}" x2="${X(p.start).toFixed(1)}" y1="${m.t}" y2="${m.t + ph}" class="phase"/>`,
    );
  }
  for (const p of phases) {
    if (p.start >= xMax) continue;
    out.push(`<text x="${(X(p.start) + 3).toFixed(1)}" y="${m.t + 11}" class="phase-label">${esc(p.name)}</text>`);
  }
  for (const l of limits) {
    if (log && l.value <= 0) continue;
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(l.value).toFixed(1)}" y2="${Y(l.value).toFixed(1)}" class="limit"/>`,
    );
    out.push(
      `<text x="${m.l + pw - 4}" y="${(Y(l.value) - 4).toFixed(1)}" class="limit-label" text-anchor="end">${esc(l.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    let d = '';
    let pen = 'M';
    const dots: string[] = [];
    for (const [x, v] of s.points) {
      if (v === undefined || (log && v <= 0)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${X(x).toFixed(1)},${Y(v).toFixed(1)} `;
      pen = 'L';
      dots.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(v).toFixed(1)}" r="2.5"/>`);
    }
    const dash = s.dash ? ' stroke-dasharray="7 4"' : '';
    out.push(
      `<g class="series" data-series="${esc(s.name)}" stroke="${color}" fill="${color}"><path d="${d.trim()}" fill="none" stroke-width="2"${dash}/>${dots.join('')}</g>`,
    );
    const lx = m.l + i * 170;
    out.push(
      `<g class="legend"><line x1="${lx}" x2="${lx + 22}" y1="38" y2="38" stroke="${color}" stroke-width="3"${dash}/><text x="${lx + 28}" y="42">${esc(s.name)}</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * A self-contained HTML page of charts (no script, inline styles only): `title`, a heading with
 * the run's verdict, an introduction (trusted HTML, already escaped), then each chart.
 */
export function chartPage(
  title: string,
  verdict: string,
  intro: readonly string[],
  charts: readonly ChartOptions[],
): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    `<title>${esc(title)}</title>`,
    '<style>',
    'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}',
    'svg{display:block;margin:12px 0 28px;max-width:100%;height:auto}',
    '.title{font-weight:600;font-size:15px}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}',
    '.plot{fill:#fff;stroke:#999}.grid{stroke:#e5e5e5}.phase{stroke:#777;stroke-dasharray:4 4}',
    '.phase-label{font-size:10px;fill:#555}.limit{stroke:#b00;stroke-dasharray:2 3}.limit-label{font-size:11px;fill:#b00}',
    '.legend text{font-size:12px;fill:#222;stroke:none}',
    '</style>',
    '</head>',
    '<body>',
    `<h1>${esc(title)}: ${esc(verdict)}</h1>`,
    ...intro,
    ...charts.map((spec) => lineChart(spec)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
