#!/usr/bin/env node
// `qiniu-ufop process` start-up against the floor any Nest command pays: an empty Nest application context (an empty
// module's `createApplicationContext`, then `close`) in a child node process, side by side with
// `qiniu-ufop process hello/qq <file>` on the sample, interleaved, several runs each. Reports medians (and minimums)
// of wall time and of the child's own CPU time (user + system, read by a preloaded hook at exit: steadier than wall
// time on a shared machine), and the ratio of the medians. Run it on a fresh build (`nest build` first): `process`
// then runs the sample's build output. PROCESS_BEFORE=<another build's dist/src/cli/main.js> measures that CLI too,
// run in its own checkout, in the same interleaving (how the "before" row was made). PROCESS_RUNS (default 7) runs
// each. `--write` replaces the section between <!-- process:start --> and <!-- process:end --> of docs/BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeDocSection } from './doc-section.mjs';
import { ROOT } from './processes.mjs';

const RUNS = Number(process.env.PROCESS_RUNS ?? 7);
const tmp = mkdtempSync(join(tmpdir(), 'ufop-bench-process-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// Written by every child as it exits: its CPU time since it started.
const cpuHook = join(tmp, 'cpu-hook.cjs');
writeFileSync(
  cpuHook,
  "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n",
);
const input = join(tmp, 'input.txt');
writeFileSync(input, 'hi');

const EMPTY_CONTEXT = `require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
class EmptyModule {}
Module({})(EmptyModule);
NestFactory.createApplicationContext(EmptyModule, { logger: false }).then((app) => app.close());`;

const cases = [
  { name: 'empty Nest application context', cwd: ROOT, args: ['-e', EMPTY_CONTEXT], expect: '' },
  {
    name: '`qiniu-ufop process hello/qq <file>`',
    cwd: ROOT,
    args: [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'process', 'hello/qq', input],
    expect: 'hello qq',
  },
];
if (process.env.PROCESS_BEFORE) {
  const cli = resolve(process.env.PROCESS_BEFORE);
  cases.push({
    name: '`qiniu-ufop process hello/qq <file>`, before',
    cwd: join(dirname(cli), '..', '..', '..'),
    args: [cli, 'process', 'hello/qq', input],
    expect: 'hello qq',
  });
}

async function runOnce(testCase) {
  const cpuFile = join(tmp, 'cpu');
  rmSync(cpuFile, { force: true });
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', cpuHook, ...testCase.args], {
    cwd: testCase.cwd,
    env: { ...process.env, NO_COLOR: '1', BENCH_CPU_FILE: cpuFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'close');
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0 || stdout !== testCase.expect) {
    throw new Error(`${testCase.name}: exit ${code}, stdout ${JSON.stringify(stdout)}\n${stderr}`);
  }
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// The figure is about the build output: refuse to time a fallback to the sources (a source newer than the build).
const check = spawnSync(
  process.execPath,
  [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'process', 'hello/qq', input, '--verbose'],
  { cwd: ROOT, encoding: 'utf8' },
);
if (!/running the build output/.test(check.stderr)) {
  console.error(`process does not run the build output: build first (npx nest build)\n${check.stderr}`);
  process.exit(1);
}

// One warm-up each (disk cache), then the runs, interleaved so that load on the machine hits every case alike.
for (const testCase of cases) await runOnce(testCase);
const samples = cases.map(() => []);
for (let run = 0; run < RUNS; run++) {
  for (const [index, testCase] of cases.entries()) {
    const sample = await runOnce(testCase);
    samples[index].push(sample);
    console.error(
      `run ${run + 1}/${RUNS} ${testCase.name}: ${sample.wall.toFixed(0)} ms wall, ${sample.cpu.toFixed(0)} ms CPU`,
    );
  }
}

const stats = samples.map((list) => ({
  wall: median(list.map((s) => s.wall)),
  wallMin: Math.min(...list.map((s) => s.wall)),
  cpu: median(list.map((s) => s.cpu)),
  cpuMin: Math.min(...list.map((s) => s.cpu)),
}));
const base = stats[0];
const ms = (value) => value.toFixed(0);
const ratio = (value, of) => `${(value / of).toFixed(2)}×`;
const table = [
  '| command | wall ms, median (min) | × empty context | CPU ms, median (min) | × empty context |',
  '|---|---:|---:|---:|---:|',
  ...cases.map((testCase, index) => {
    const s = stats[index];
    return `| ${testCase.name} | ${ms(s.wall)} (${ms(s.wallMin)}) | ${ratio(s.wall, base.wall)} | ${ms(s.cpu)} (${ms(s.cpuMin)}) | ${ratio(s.cpu, base.cpu)} |`;
  }),
].join('\n');
const text = `${table}\n\n${RUNS} runs each, interleaved, after one warm-up; node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
console.log(text);

if (process.argv.includes('--write'))
  writeDocSection('process', text, {
    title: '`process` start-up',
    intro:
      'Produced by `node bench/process.mjs --write` on a fresh build: `qiniu-ufop process` runs the sample from its ' +
      'build output (see the README), against an empty Nest application context, each a new node process. CPU is the ' +
      "child's own user + system time.",
  });
