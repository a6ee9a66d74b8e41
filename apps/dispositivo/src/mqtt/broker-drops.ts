/**
 * Mosquitto drops QoS 1 messages for a subscriber whose queue is full
 * (`max_queued_messages`, 1000 by default) before any subscriber sees them,
 * and tells only its own log. What it does publish is a broker-wide counter,
 * `$SYS/broker/publish/messages/dropped` (every `sys_interval`, default 10 s):
 * watching it is how dispositivo notices silent loss at the broker.
 */
export const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export class BrokerDrops {
  /** The broker's last reported count; undefined until (unless) it reports one. */
  dropped?: number;

  /**
   * Takes a reported value; returns how many more were dropped since the
   * previous report (the whole count on the first one), or 0.
   */
  report(payload: Buffer): number {
    const value = Number(payload.toString('utf8').trim());
    if (!Number.isSafeInteger(value) || value < 0) return 0;
    const before = this.dropped;
    this.dropped = value;
    // a broker restart resets its counter: count from zero again
    if (before === undefined || value < before) return value;
    return value - before;
  }
}
