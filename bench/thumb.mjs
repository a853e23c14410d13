#!/usr/bin/env node
// The "sharp thumbnail: framework vs bare" row: a 1600×1200 JPEG made to 200 px wide, through the built sample's
// `thumb` (defaults, inline) and through a bare node:http server calling the same ImageService, with the same
// number of requests in flight. Rounds alternate the two servers so that load from elsewhere hits both alike;
// the ratio is the median of the per-round ratios. `node bench/thumb.mjs` runs it alone (build first).
import sharp from 'sharp';
import { measure } from './load.mjs';
import { start, stop } from './processes.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const ROUNDS = Number(process.env.THUMB_ROUNDS || 3);
const CONNECTIONS = (process.env.THUMB_CONNECTIONS || '2,16').split(',').map(Number);
const CMD = 'demo/thumb/200';

/** A photo-like JPEG (smooth noise, not a flat colour, which would decode and resize for nothing). */
export function photo() {
  return sharp({ create: { width: 1600, height: 1200, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .blur(2)
    .jpeg({ quality: 85 })
    .toBuffer();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function thumbnailRows({ seconds = SECONDS, rounds = ROUNDS, connections = CONNECTIONS, log = console.error } = {}) {
  const body = await photo();
  const servers = {
    bare: await start(['bench/servers/sharp-http.mjs']),
    framework: await start(['dist/sample/main.js'], { UFOP_MODE: 'inline', REDIS_URL: '' }),
  };
  const rows = [];
  try {
    for (const inFlight of connections) {
      const cells = { bare: [], framework: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternate which goes first, so a drift in the machine's load does not favour one side.
        const order = round % 2 ? ['framework', 'bare'] : ['bare', 'framework'];
        for (const name of order) {
          const { child, port } = servers[name];
          const url = `http://127.0.0.1:${port}/handler?cmd=${CMD}`;
          const cell = await measure({ url, pids: [child.pid], body, connections: inFlight, seconds, contentType: 'image/jpeg' });
          cells[name].push(cell);
          log(`thumbnail · ${name} · ${inFlight} in flight · round ${round + 1}: ${cell.rps.toFixed(0)} req/s, p50 ${cell.p50} ms, ${cell.cpu.toFixed(0)} µs CPU/req${cell.bad ? `, ${cell.bad} errors` : ''}`);
        }
      }
      const ratios = cells.framework.map((cell, i) => cell.rps / cells.bare[i].rps);
      const summary = (list) => ({
        rps: median(list.map((c) => c.rps)),
        p50: median(list.map((c) => c.p50)),
        p99: median(list.map((c) => c.p99)),
        cpu: median(list.map((c) => c.cpu)),
        bad: list.reduce((sum, c) => sum + c.bad, 0),
      });
      rows.push({ connections: inFlight, bare: summary(cells.bare), framework: summary(cells.framework), ratio: median(ratios), ratios });
    }
  } finally {
    await Promise.all(Object.values(servers).map(({ child }) => stop(child)));
  }
  return { rows, size: body.length };
}

export function renderThumbnail({ rows }) {
  const lines = [
    '| server | in flight | req/s | × bare | p50 ms | p99 ms | server CPU µs/req | × bare | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { connections, bare, framework, ratio, ratios } of rows) {
    lines.push(`| bare node:http + sharp | ${connections} | ${bare.rps.toFixed(0)} | 1.00× | ${bare.p50} | ${bare.p99} | ${bare.cpu.toFixed(0)} | 1.00× | ${bare.bad} |`);
    const each = ratios.map((r) => r.toFixed(2)).join(', ');
    lines.push(
      `| qiniu-ufop inline (defaults) | ${connections} | ${framework.rps.toFixed(0)} | ${ratio.toFixed(2)}× (rounds: ${each}) | ${framework.p50} | ${framework.p99} | ${framework.cpu.toFixed(0)} | ${(framework.cpu / bare.cpu).toFixed(2)}× | ${framework.bad} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await thumbnailRows();
  console.log(`\nJPEG ${result.size} bytes\n\n${renderThumbnail(result)}`);
  process.exit(0);
}
