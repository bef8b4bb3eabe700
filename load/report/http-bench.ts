/** The `/api/health` throughput section, from the committed docs/bench/http.json (`npm run bench:http`). */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR } from '../common/paths';
import { fmt, utc } from './format';

export const HTTP_BENCH_FILE = path.join(REPO_DIR, 'docs', 'bench', 'http.json');

import type { HammerResult } from '../http-bench/client';

/** One side of the comparison: what the client measured against one server. */
export type HttpSide = HammerResult;

export interface HttpBench {
  schema: number;
  command: string;
  commit: string;
  dirty: boolean;
  at: string;
  machine: { cpuModel: string; cores: number; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  path: string;
  connections: number;
  secondsEach: number;
  rounds: number;
  runtime: HttpSide;
  bare: HttpSide;
  ratio: number;
  target: number;
  verdict: 'PASS' | 'FAIL';
}

export function readHttpBench(file = HTTP_BENCH_FILE): HttpBench | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as HttpBench) : undefined;
}

export function renderHttpBench(b: HttpBench | undefined): string[] {
  const title = '## Health throughput against a bare node server (`npm run bench:http`)';
  if (!b) return [title, '', 'not run: `npm run bench:http`', ''];
  const side = (name: string, s: HttpSide) =>
    `| ${name} | ${fmt(s.requestsPerSecond, 0)} | ${s.requests} | ${s.non2xx} | ${s.errors} | ${fmt(s.latencyMs.p50, 2)} | ${fmt(s.latencyMs.p99, 2)} |`;
  return [
    title,
    '',
    `\`${b.command}\` at \`${b.commit}\`${b.dirty ? ' (dirty: uncommitted changes)' : ''}, ${utc(b.at)}; summary \`docs/bench/http.json\`.`,
    `${b.connections} keep-alive connections on loopback, \`GET ${b.path}\`, ${b.rounds} alternating rounds of ${fmt(b.secondsEach)} s per server;`,
    `${b.machine.cores} x ${b.machine.cpuModel}, Node ${b.machine.node}; load average before ${b.machine.loadAverageBefore.join(' / ')}, after ${b.machine.loadAverageAfter.join(' / ')}.`,
    '',
    '| server | req/s | requests | non-2xx | errors | p50 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    side('local runtime (`bin/local.ts`, production, load mode)', b.runtime),
    side('bare `node:http` answering the same JSON', b.bare),
    '',
    `Runtime / bare: **${fmt(b.ratio * 100)}%** (target >= ${fmt(b.target * 100, 0)}%): **${b.verdict}**.`,
    '',
  ];
}
