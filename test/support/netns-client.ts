// A load client that a test runs inside a network namespace of its own (a "client host"): it reads one JSON load
// per line on stdin ({ id, baseUrl, sizes, count, concurrency, timeoutMs }) and answers each with one JSON line
// { id, outcomes }. Run with ts-node, as the framework's test processes are.
import { createInterface } from 'node:readline';
import { echoLoad } from './echo-load';

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const { id, baseUrl, ...load } = JSON.parse(line);
  void echoLoad(baseUrl, load).then((outcomes) => process.stdout.write(`${JSON.stringify({ id, outcomes })}\n`));
});
process.stdout.write('client ready\n');
