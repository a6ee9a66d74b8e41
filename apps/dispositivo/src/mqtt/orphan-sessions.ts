import { createLogger, RateLimitedLog } from '@iot/common';
import { MqttSessionsRepository } from './sessions.repository';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface OrphanSessionsOptions {
  clientId: string;
  connections: number;
  /** An instance silent this long is gone for good (MQTT_ORPHAN_AFTER_S). */
  afterS: number;
  /** Drains one broker session; resolves with the messages it stored. */
  drain: (clientId: string) => Promise<number>;
  stopping: () => boolean;
}

/**
 * Mosquitto hands a shared group's messages round robin to every session in
 * the group, connected or not: a replica removed for good (scaled down) keeps
 * getting its share, queued until its session expires (7 days) and then
 * dropped, though the devices got their PUBACK. So each instance heartbeats
 * in the database, and drains the sessions of any instance silent for
 * `afterS`. A restarted instance registers before it connects, and waits
 * while another one is draining its old sessions.
 */
export class OrphanSessions {
  private readonly log = createLogger('mqtt');
  private readonly warnings = new RateLimitedLog(60_000);
  private readonly timers: NodeJS.Timeout[] = [];
  private adopting = false;
  /** Since when this instance's heartbeats have all succeeded (undefined after a failure). */
  private healthySince?: number;

  constructor(
    private readonly repository: MqttSessionsRepository,
    private readonly o: OrphanSessionsOptions,
  ) {}

  private get everyMs(): number {
    return Math.min(30_000, (this.o.afterS * 1000) / 4);
  }

  async register(): Promise<void> {
    for (let waited = false; !this.o.stopping(); waited = true) {
      try {
        const before = await this.repository.heartbeat(this.o.clientId, this.o.connections);
        // restarted with fewer connections: the extra sessions would be orphans of our own
        for (let i = this.o.connections; i < before; i++)
          await this.drainOwn(`${this.o.clientId}-${i}`);
        this.healthySince = Date.now();
        return;
      } catch (error) {
        if (!waited)
          this.log.warn(
            { err: error, clientId: this.o.clientId },
            'cannot register yet (another instance may be draining this id’s old sessions); retrying',
          );
        await sleep(1000);
      }
    }
  }

  start(): void {
    const heartbeat = (): void => {
      this.repository.heartbeat(this.o.clientId, this.o.connections).then(
        () => (this.healthySince ??= Date.now()),
        (error: unknown) => {
          this.healthySince = undefined;
          this.warn(error, 'MQTT session heartbeat failed');
        },
      );
    };
    this.timers.push(setInterval(heartbeat, this.everyMs).unref());
    this.timers.push(setInterval(() => void this.adoptOrphans(), this.everyMs).unref());
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /**
   * Only after `afterS` of our own heartbeats in a row: coming out of a
   * database outage every instance looks silent, and the others need that
   * long to be heard from again.
   */
  async adoptOrphans(): Promise<void> {
    const since = this.healthySince;
    if (this.adopting || since === undefined || Date.now() - since < this.o.afterS * 1000) return;
    this.adopting = true;
    try {
      for (const orphan of await this.repository.findOrphans(this.o.afterS)) {
        if (orphan.clientId === this.o.clientId || this.o.stopping()) continue;
        let messages = 0;
        const adopted = await this.repository.adoptIfOrphaned(
          orphan.clientId,
          this.o.afterS,
          async (connections) => {
            for (let i = 0; i < connections; i++)
              messages += await this.o.drain(`${orphan.clientId}-${i}`);
          },
        );
        if (adopted)
          this.log.info(
            { orphan: orphan.clientId, messages },
            'drained the MQTT sessions of an instance gone for good',
          );
      }
    } catch (error) {
      this.warn(error, 'could not drain the MQTT sessions of an instance gone for good');
    } finally {
      this.adopting = false;
    }
  }

  private async drainOwn(session: string): Promise<void> {
    try {
      const messages = await this.o.drain(session);
      this.log.info({ session, messages }, 'drained a session this instance no longer uses');
    } catch (error) {
      this.log.warn(
        { err: error, session },
        'could not drain a session this instance no longer uses; it expires after MQTT_SESSION_EXPIRY_S',
      );
    }
  }

  private warn(error: unknown, message: string): void {
    const { log, suppressed } = this.warnings.take();
    if (log) this.log.warn({ err: error, suppressed }, message);
  }
}
