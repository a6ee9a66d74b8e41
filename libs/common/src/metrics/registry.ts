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
export function collectProcessMetrics(): void {
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
