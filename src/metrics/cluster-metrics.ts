import cluster from 'node:cluster';
import { AggregatorRegistry, PrometheusContentType, Registry } from 'prom-client';

/** A process of `runserver`/`runworker` asks its supervisor for the sum over all processes (for `_ufop/stats`). */
const SNAPSHOT_REQUEST = 'qiniu-ufop:metrics-request';
const SNAPSHOT_RESPONSE = 'qiniu-ufop:metrics-response';
const SNAPSHOT_TIMEOUT_MS = 6000;

interface SnapshotMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;

/**
 * In a process under node:cluster: answers the supervisor's aggregation requests from `registry` (prom-client's
 * cluster protocol). Without this, prom-client would answer from its global registry, which we do not use.
 */
export function reportToClusterPrimary(registry: Registry): void {
  if (!cluster.isWorker) return;
  aggregator ??= new AggregatorRegistry(); // its constructor installs the worker's message listener
  AggregatorRegistry.setRegistries([registry]);
}

/** In the supervisor: the metrics of every process, summed (gauges that say otherwise keep one value). */
export class ClusterMetrics {
  private readonly registry = new AggregatorRegistry();
  private readonly onMessage = (worker: import('node:cluster').Worker, message: SnapshotMessage) => {
    if (message?.type !== SNAPSHOT_REQUEST) return;
    this.text().then(
      (text) => worker.send({ type: SNAPSHOT_RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: SNAPSHOT_RESPONSE, id: message.id, error: error.message }),
    );
  };

  constructor() {
    cluster.on('message', this.onMessage);
  }

  readonly contentType = this.registry.contentType;

  text(): Promise<string> {
    return this.registry.clusterMetrics();
  }

  close(): void {
    cluster.off('message', this.onMessage);
  }
}

let nextId = 0;

/**
 * The exposition text of every process of this service: from the supervisor when this process runs under it,
 * else (or if it does not answer) this process's own.
 */
export function allProcessesText(registry: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  const id = ++nextId;
  return new Promise<string>((resolve) => {
    const done = (text?: string) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (text !== undefined) resolve(text);
      else resolve(registry.metrics());
    };
    const onMessage = (message: SnapshotMessage) => {
      if (message?.type === SNAPSHOT_RESPONSE && message.id === id) done(message.text);
    };
    const timer = setTimeout(() => done(), SNAPSHOT_TIMEOUT_MS);
    process.on('message', onMessage);
    process.send!({ type: SNAPSHOT_REQUEST, id });
  });
}
