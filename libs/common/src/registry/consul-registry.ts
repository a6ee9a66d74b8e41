import Consul from 'consul';
import { hostname } from 'node:os';
import { createLogger } from '../logging/logger';
import { RateLimitedLog } from '../logging/rate-limited';
import { ServiceInstance, ServiceRegistry } from './service-registry';

export interface ConsulRegistryOptions {
  /** The local agent, e.g. `http://127.0.0.1:8500`. */
  url: string;
  token?: string;
  /** A blocking query waits this long for a change before asking again. */
  waitS?: number;
  /** The first lookup of a service waits at most this long for Consul. */
  firstLookupMs?: number;
  /** How often this instance checks the agent still holds its registration (default 30 s). */
  reregisterMs?: number;
}

/** How this process announces itself. */
export interface Registration {
  name: string;
  address: string;
  port: number;
  tags?: string[];
}

interface HealthEntry {
  Node?: { Address?: string };
  Service: { ID: string; Address?: string; Port: number };
}

interface Followed {
  instances: ServiceInstance[];
  ready: Promise<void>;
  end(): void;
}

const CHECK_INTERVAL = '5s';
const CHECK_TIMEOUT = '2s';
const DEREGISTER_CRITICAL_AFTER = '1m';

/**
 * Consul as the service registry: `instances()` answers from a cache of each
 * service's passing instances, kept current by a blocking query per service
 * (a change arrives as soon as the agent sees it). Consul unreachable, at
 * start or later: the last known instances stay in use, a warning is logged
 * (rate-limited), the query is retried with backoff; nothing throws.
 */
export class ConsulRegistry implements ServiceRegistry {
  private readonly consul: Consul;
  private readonly followed = new Map<string, Followed>();
  private readonly log = createLogger('registry');
  private readonly warnings = new RateLimitedLog(30_000);
  private registered?: string;
  private stopped = false;

  constructor(private readonly options: ConsulRegistryOptions) {
    const url = new URL(options.url);
    this.consul = new Consul({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      secure: url.protocol === 'https:',
      defaults: options.token ? { token: options.token } : undefined,
    });
  }

  async instances(service: string): Promise<ServiceInstance[]> {
    let entry = this.followed.get(service);
    if (!entry) {
      entry = this.follow(service);
      this.followed.set(service, entry);
    }
    const first = this.options.firstLookupMs ?? 2000;
    await Promise.race([entry.ready, new Promise((r) => setTimeout(r, first).unref())]);
    return entry.instances;
  }

  /**
   * Registers this process with an HTTP check on its readiness route; keeps
   * trying in the background while the agent is unreachable.
   */
  register(r: Registration): string {
    const id = `${r.name}-${hostname()}-${r.port}`;
    this.registered = id;
    const body = {
      name: r.name,
      id,
      address: r.address,
      port: r.port,
      tags: r.tags ?? [],
      check: {
        name: `${r.name} ready`,
        http: `http://${r.address}:${r.port}/health/ready`,
        interval: CHECK_INTERVAL,
        timeout: CHECK_TIMEOUT,
        deregistercriticalserviceafter: DEREGISTER_CRITICAL_AFTER,
      },
    };
    const attempt = (delay: number): void => {
      if (this.stopped) return;
      this.consul.agent.service.register(body).then(
        () => this.log.info({ id }, 'registered in Consul'),
        (error: Error) => {
          this.warn({ id, error: error.message, retryInMs: delay }, 'Consul registration failed');
          setTimeout(() => attempt(Math.min(delay * 2, 30_000)), delay).unref();
        },
      );
    };
    attempt(500);
    // an agent that restarts (compose runs one in dev mode: in-memory state) forgets every
    // registration; found by running the compose file: the gateway then saw no instance
    const vigilar = setInterval(() => {
      if (this.stopped) return clearInterval(vigilar);
      this.consul.agent.service.list().then(
        (servicios: Record<string, unknown>) => {
          if (this.stopped || id in servicios) return;
          this.log.warn(
            { id },
            'the Consul agent lost this registration (restarted?): registering again',
          );
          attempt(500);
        },
        () => undefined, // unreachable: the next round asks again
      );
    }, this.options.reregisterMs ?? 30_000);
    vigilar.unref();
    return id;
  }

  /** Deregisters (on SIGTERM) and stops following services. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const entry of this.followed.values()) entry.end();
    if (!this.registered) return;
    await this.consul.agent.service.deregister(this.registered).then(
      () => this.log.info({ id: this.registered }, 'deregistered from Consul'),
      (error: Error) => this.log.warn({ error: error.message }, 'Consul deregistration failed'),
    );
  }

  private follow(service: string): Followed {
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const watch = this.consul.watch({
      method: this.consul.health.service.bind(this.consul.health),
      options: { service, passing: 'true', wait: `${this.options.waitS ?? 30}s` },
      backoffFactor: 100,
      backoffMax: 5000,
    });
    const entry: Followed = { instances: [], ready, end: () => watch.end() };
    watch.on('change', (data: HealthEntry[]) => {
      entry.instances = data.map((e) => ({
        id: e.Service.ID,
        url: `http://${e.Service.Address || e.Node?.Address || '127.0.0.1'}:${e.Service.Port}`,
      }));
      this.log.debug({ service, instances: entry.instances.length }, 'instances changed');
      markReady();
    });
    watch.on('error', (error: Error) => {
      this.warn(
        { service, error: error.message, known: entry.instances.length },
        'Consul unreachable; keeping the last known instances',
      );
      markReady();
    });
    return entry;
  }

  private warn(fields: object, message: string): void {
    const { log, suppressed } = this.warnings.take();
    if (log) this.log.warn({ ...fields, suppressed }, message);
  }
}
