import { Counter, Histogram, Registry } from 'prom-client';
import { metricsSnapshot } from './metrics-snapshot';

describe('metricsSnapshot', () => {
  it('turns exposition text into {name: [{labels, value}]}, ufop_ metrics only, histogram buckets left out', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'ufop_requests_total',
      help: 'h',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    counter.inc({ route: 'hello/:name?', status: '200' }, 3);
    counter.inc({ route: 'say "hi"\\', status: '404' });
    new Histogram({ name: 'ufop_request_duration_seconds', help: 'h', buckets: [1], registers: [registry] }).observe(
      0.5,
    );
    new Counter({ name: 'other_total', help: 'h', registers: [registry] }).inc();
    expect(metricsSnapshot(await registry.metrics())).toEqual({
      ufop_requests_total: [
        { labels: { route: 'hello/:name?', status: '200' }, value: 3 },
        { labels: { route: 'say "hi"\\', status: '404' }, value: 1 },
      ],
      ufop_request_duration_seconds_sum: [{ labels: {}, value: 0.5 }],
      ufop_request_duration_seconds_count: [{ labels: {}, value: 1 }],
    });
  });
});
