import { createServer, Server } from 'node:http';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';

/** This process's metrics (one registry per process). */
export const metrics = new Registry();

// the process metrics sample the event loop and observe GC: paid only where someone scrapes
function collectProcessMetrics(): void {
  if (!metrics.getSingleMetric('process_cpu_user_seconds_total'))
    collectDefaultMetrics({ register: metrics });
}

// tests build several apps in one process: a metric is defined once and shared
function once<T>(name: string, make: () => T): T {
  return (metrics.getSingleMetric(name) as T | undefined) ?? make();
}

export const counter = <L extends string>(c: Omit<CounterConfiguration<L>, 'registers'>) =>
  once(c.name, () => new Counter<L>({ ...c, registers: [metrics] }));

export const histogram = <L extends string>(c: Omit<HistogramConfiguration<L>, 'registers'>) =>
  once(c.name, () => new Histogram<L>({ ...c, registers: [metrics] }));

/** A gauge read when scraped; the last `read` given wins (one app per process in production). */
export function gauge<L extends string>(
  c: Omit<GaugeConfiguration<L>, 'registers' | 'collect'>,
  read: (g: Gauge<L>) => void,
): Gauge<L> {
  metrics.removeSingleMetric(c.name);
  return new Gauge<L>({
    ...c,
    registers: [metrics],
    collect() {
      read(this);
    },
  });
}

/**
 * `GET /metrics` (Prometheus text format) on its own port, apart from the
 * API: no key needed, so keep the port inside the deployment's network.
 * Process metrics (CPU, memory, event-loop lag, GC) are collected from here on.
 */
export function serveMetrics(port: number, host: string): Promise<Server> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      },
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
