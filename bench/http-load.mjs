// A load client of our own for bench/run.mjs: keep-alive connections on raw sockets, each with one request in
// flight, the whole request (head and body) prepared once and written with one call. autocannon cannot push 1 MiB
// bodies faster than about 48 requests/s on this machine, even against a bare node:http server; this client is
// not the bottleneck for either body size, so the 1 MiB rows measure the servers too.
import { connect } from 'node:net';
import { cpuMicros } from './processes.mjs';

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Requests/s, p50/p99 latency (ms), the server's CPU per request (µs, every process in `pids`) and the count of
 * answers that were not 2xx (or were cut), after a 1 s warm-up, with `connections` requests in flight.
 */
export async function measureFast({ url, pids, body, connections, seconds, contentType = 'application/octet-stream' }) {
  const target = new URL(url);
  const head = Buffer.from(
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`,
  );
  const request = Buffer.concat([head, body]);
  const options = { host: target.hostname, port: Number(target.port), request, connections };
  await run({ ...options, seconds: 1 }); // warm-up: JIT, connection pools, Redis scripts
  const cpuBefore = cpuMicros(pids);
  const started = process.hrtime.bigint();
  const result = await run({ ...options, seconds });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = (cpuMicros(pids) - cpuBefore) / Math.max(1, result.total);
  const latencies = Float64Array.from(result.latencies).sort();
  const at = (q) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN;
  if (result.bad) console.error(`  not 2xx or cut: ${result.bad} (statuses: ${JSON.stringify(result.statuses)})`);
  return {
    rps: result.total / elapsed,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    cpu,
    bad: result.bad,
    total: result.total,
  };
}

const round = (ms) => Math.round(ms * 10) / 10;

/** `connections` loops of request → whole response → next request, until `seconds` have passed. */
async function run({ host, port, request, connections, seconds }) {
  const state = { total: 0, bad: 0, latencies: [], statuses: {}, until: Date.now() + seconds * 1000 };
  await Promise.all(Array.from({ length: connections }, () => loop(host, port, request, state)));
  return state;
}

function loop(host, port, request, state) {
  return new Promise((resolve) => {
    let socket;
    let response;
    let sentAt = 0n;
    const send = () => {
      if (Date.now() >= state.until) {
        socket.end();
        return resolve();
      }
      response = new ResponseReader();
      sentAt = process.hrtime.bigint();
      socket.write(request);
    };
    const open = () => {
      socket = connect({ host, port, noDelay: true }, send);
      socket.on('data', (chunk) => {
        if (!response?.feed(chunk)) return;
        state.latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        state.statuses[response.status] = (state.statuses[response.status] ?? 0) + 1;
        if (response.status < 200 || response.status > 299) state.bad++;
        state.total++;
        const closing = response.close;
        response = undefined;
        if (closing) socket.end();
        else send();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (response) state.bad++; // cut in the middle of an answer
        response = undefined;
        if (Date.now() < state.until) setTimeout(open, 10);
        else resolve();
      });
    };
    open();
  });
}

/** Reads one HTTP/1.1 response (Content-Length or chunked); `feed` says when it is complete. */
class ResponseReader {
  status = 0;
  close = false;
  head = Buffer.alloc(0);
  remaining = -1; // body bytes still to come (Content-Length), or -1 while the head is read
  chunked = false;
  tail = Buffer.alloc(0); // undecoded chunked-encoding bytes

  feed(chunk) {
    if (this.remaining < 0) {
      this.head = this.head.length ? Buffer.concat([this.head, chunk]) : chunk;
      const end = this.head.indexOf(HEAD_END);
      if (end < 0) return false;
      const lines = this.head.subarray(0, end).toString('latin1').split('\r\n');
      this.status = Number(lines[0].split(' ')[1]);
      let length = 0;
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line
          .slice(colon + 1)
          .trim()
          .toLowerCase();
        if (name === 'content-length') length = Number(value);
        else if (name === 'transfer-encoding' && value.includes('chunked')) this.chunked = true;
        else if (name === 'connection' && value === 'close') this.close = true;
      }
      chunk = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      this.remaining = this.chunked ? 0 : length;
    }
    if (!this.chunked) {
      this.remaining -= chunk.length;
      return this.remaining <= 0;
    }
    return this.feedChunked(chunk);
  }

  /** Skips chunked-encoded body bytes; true once the last (empty) chunk and its CRLF are in. */
  feedChunked(chunk) {
    let data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = Buffer.alloc(0);
    for (;;) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, data.length);
        this.remaining -= skip;
        data = data.subarray(skip);
        if (this.remaining > 0) return false;
      }
      const eol = data.indexOf('\r\n');
      if (eol < 0) {
        this.tail = data;
        return false;
      }
      const size = parseInt(data.subarray(0, eol).toString('latin1'), 16);
      if (size === 0) {
        // The last chunk: no trailers are sent by these servers, so its line is followed by one CRLF.
        return data.length >= eol + 4 || ((this.tail = data), false);
      }
      data = data.subarray(eol + 2);
      this.remaining = size + 2; // the chunk and its CRLF
    }
  }
}
