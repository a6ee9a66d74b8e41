/**
 * For a condition that repeats while it lasts (a database outage seen by every
 * retry): lets one log line through per interval and tells that line how many
 * were left out since the previous one, so a long outage costs a few lines.
 */
export class RateLimitedLog {
  private last = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to log now, and how many occurrences were dropped before this one. */
  take(): { log: boolean; suppressed: number } {
    const t = this.now();
    if (t - this.last < this.intervalMs) {
      this.suppressed++;
      return { log: false, suppressed: 0 };
    }
    this.last = t;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { log: true, suppressed };
  }
}
