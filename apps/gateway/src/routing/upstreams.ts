import { ServiceInstance, ServiceRegistry } from '@iot/common';

export interface EjectionPolicy {
  /** Failures in a row that take an instance out of rotation. */
  afterFailures: number;
  /** For how long. */
  forMs: number;
}

/**
 * Healthy instances per service, round robin, minus the ones that keep
 * failing: an instance with `afterFailures` failures in a row is skipped for
 * `forMs` (the registry's health check may take seconds to notice a crash;
 * the gateway notices on the next request).
 */
export class Upstreams {
  private readonly next = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly policy: EjectionPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next instance not tried yet and not ejected; undefined when none is left. */
  async pick(service: string, tried: ReadonlySet<string>): Promise<ServiceInstance | undefined> {
    const all = (await this.registry.instances(service)).filter((i) => !tried.has(i.id));
    const usable = all.filter((i) => this.usable(i.id));
    // all ejected: try one anyway rather than fail without trying (it may be back)
    const pool = usable.length > 0 ? usable : all;
    if (pool.length === 0) return undefined;
    const n = this.next.get(service) ?? 0;
    this.next.set(service, (n + 1) % 1_000_000);
    return pool[n % pool.length];
  }

  /** How many instances each service has now (passing in the registry, not ejected). */
  async counts(services: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const s of services) {
      const all = await this.registry.instances(s);
      out[s] = all.filter((i) => this.usable(i.id)).length;
    }
    return out;
  }

  /** Every instance the registry lists for a service, and whether it is in rotation now. */
  async all(service: string): Promise<(ServiceInstance & { enRotacion: boolean })[]> {
    const all = await this.registry.instances(service);
    return all.map((i) => ({ ...i, enRotacion: this.usable(i.id) }));
  }

  private usable(id: string): boolean {
    return (this.failures.get(id)?.until ?? 0) <= this.now();
  }

  failed(id: string): void {
    const f = this.failures.get(id) ?? { count: 0, until: 0 };
    f.count++;
    if (f.count >= this.policy.afterFailures) f.until = this.now() + this.policy.forMs;
    this.failures.set(id, f);
  }

  succeeded(id: string): void {
    this.failures.delete(id);
  }
}
