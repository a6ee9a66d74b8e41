import { DomainError } from '../errors/domain-error';

/** One running instance of a service, as a base URL (`http://host:port`). */
export interface ServiceInstance {
  id: string;
  url: string;
}

/**
 * Where a service runs, looked up by name. Drivers: `static` (URLs from
 * config) now; Consul behind the same interface for the gateway.
 */
export interface ServiceRegistry {
  /** Healthy instances of `service`, possibly empty. */
  instances(service: string): Promise<ServiceInstance[]>;
}

export class NoInstanceError extends DomainError {
  constructor(readonly service: string) {
    super('unavailable', `no instance of ${service} is available`, { service });
  }
}

/** Fixed URLs per service, e.g. `{ dispositivo: ['http://127.0.0.1:8081'] }`. */
export class StaticRegistry implements ServiceRegistry {
  constructor(private readonly urls: Readonly<Record<string, readonly string[]>>) {}

  instances(service: string): Promise<ServiceInstance[]> {
    const urls = this.urls[service] ?? [];
    return Promise.resolve(urls.map((url) => ({ id: `${service}@${url}`, url })));
  }
}

/**
 * The next instance to call, round robin over what the registry returns now;
 * throws NoInstanceError when there is none.
 */
export class RoundRobin {
  private next = 0;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly service: string,
  ) {}

  async pick(): Promise<ServiceInstance> {
    const all = await this.registry.instances(this.service);
    if (all.length === 0) throw new NoInstanceError(this.service);
    const chosen = all[this.next % all.length];
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
}
