export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/**
 * A compact JSON view of Prometheus exposition text, for `_ufop/stats`: `{name: [{labels, value}]}` for the metrics
 * whose names start with `prefix`. Histogram buckets are left out (their `_sum` and `_count` stay): an operator
 * reading JSON wants totals, a dashboard scrapes `/metrics`.
 */
export function metricsSnapshot(text: string, prefix = 'ufop_'): Record<string, MetricSample[]> {
  const snapshot: Record<string, MetricSample[]> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1].endsWith('_bucket')) continue;
    const [, name, labelText, value] = match;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    (snapshot[name] ??= []).push({ labels, value: Number(value) });
  }
  return snapshot;
}
