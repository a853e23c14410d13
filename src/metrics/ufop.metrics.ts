import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bull';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopSlots } from '../interfaces/ufop-slots.interface';
import { SPANS, UfopRequestContext } from '../observability/request-context';
import { UFOP_QUEUE_TOKEN } from '../queue/ufop-queue.constants';
import { UfopQueueWorker } from '../queue/ufop-queue.worker';
import { UFOP_CONFIG, UFOP_EXECUTOR } from '../ufop.constants';
import { errorType, METRIC } from './ufop-metrics.names';
import { raceDeadline } from '../execution/deadline';

/** Seconds: from a cached 1 ms answer to the longest handler timeout worth telling apart. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Bytes: 1 KiB to 64 MiB, ×4. */
const BYTE_BUCKETS = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** A scrape must not hang on a Redis that is away: queue gauges are left out past this. */
const QUEUE_COUNTS_TIMEOUT_MS = 1000;

/**
 * The metrics of one application, in a registry of its own (not prom-client's global one, which a user's code or
 * a second application in the same process would share). Requests are recorded once each, when their response is
 * over, from their `UfopRequestContext`; gauges are read at scrape time.
 */
@Injectable()
export class UfopMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'status'>;
  private readonly duration: Histogram;
  private readonly spans: Histogram<'span'>;
  private readonly inProgress: Gauge;
  private readonly inputBytes: Histogram;
  private readonly errors: Counter<'type'>;

  constructor(
    @Inject(UFOP_CONFIG) options: UfopOptions,
    @Inject(UFOP_EXECUTOR) executor: UfopExecutor,
    @Optional() worker?: UfopQueueWorker,
    @Optional() @Inject(UFOP_QUEUE_TOKEN) queue?: Queue,
  ) {
    const registers = [this.registry];
    // Node's default metrics watch the event loop with a 10 ms timer, which wakes an idle process 100 times a second
    // (measured: 0.78% of a core while idle, 0.28% without it). Only a scrape reads them (the admin `stats` command
    // shows the ufop_ metrics alone), so they are collected where UFOP_METRICS_PORT is set.
    if (options.metricsPort !== undefined) {
      collectDefaultMetrics({ register: this.registry });
    }
    this.requests = new Counter({
      name: METRIC.requests,
      help: 'Requests answered, by handler route pattern (none: no handler matched) and status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: METRIC.duration,
      help: "Time from a request's arrival to the end of its response, in seconds",
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.spans = new Histogram({
      name: METRIC.spans,
      help: 'Time of each stage a request went through (input: read or download; queue: waiting for a slot or a worker; process: the handler; output: writing the answer), in seconds',
      labelNames: ['span'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.inProgress = new Gauge({ name: METRIC.inProgress, help: 'Requests being served now', registers });
    this.inputBytes = new Histogram({
      name: METRIC.inputBytes,
      help: "Size of each request's input (body or downloaded source), in bytes",
      buckets: BYTE_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: METRIC.errors,
      help: 'Failed requests by type: timeout (504), download (502), refused (503), handler (other 5xx)',
      labelNames: ['type'],
      registers,
    });
    const slots = (): UfopSlots[] => [executor.slots, worker?.slots].filter((s): s is UfopSlots => !!s);
    const slotGauge = (name: string, help: string, read: (s: UfopSlots) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(slots().reduce((sum, s) => sum + read(s), 0));
        },
      });
    slotGauge(METRIC.slots, 'Handlers the processes may run at once', (s) => s.limit);
    slotGauge(METRIC.slotsBusy, 'Handlers running now', (s) => s.active);
    slotGauge(
      METRIC.waiting,
      'Requests admitted but not running a handler yet: reading their input or waiting for a slot (inline mode)',
      (s) => s.queued,
    );
    if (options.mode === 'queue' && queue) this.watchQueue(queue);
  }

  /** Called once per request when its response is over. */
  record(context: UfopRequestContext, status: number, endedAt: number): void {
    this.requests.inc({ route: context.route, status: String(status) });
    this.duration.observe((endedAt - context.startedAt) / 1000);
    for (const span of SPANS) {
      const ms = context.spans[span];
      if (ms !== undefined) this.spans.observe({ span }, ms / 1000);
    }
    if (context.spans.input !== undefined) this.inputBytes.observe(context.inputBytes);
    const type = errorType(status);
    if (type) this.errors.inc({ type });
  }

  requestStarted(): void {
    this.inProgress.inc();
  }

  requestEnded(): void {
    this.inProgress.dec();
  }

  /** Bull's job counts, read at scrape time. Every process sees the same queue: a cluster scrape keeps one value. */
  private watchQueue(queue: Queue): void {
    new Gauge({
      name: METRIC.queueJobs,
      help: 'Jobs in the Bull queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      aggregator: 'max',
      async collect() {
        // A slow or absent Redis leaves the gauge as it was rather than holding up the scrape.
        const counts = await raceDeadline(queue.getJobCounts(), QUEUE_COUNTS_TIMEOUT_MS, () => new Error('late')).catch(
          () => undefined,
        );
        if (!counts) return;
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ state }, counts[state]);
      },
    });
  }
}
