/**
 * Reads a /metrics URL every second, as a (busy) Prometheus would; stop()
 * fails if a scrape failed or held no reading counter, so a run "with
 * metrics" cannot silently be one without.
 */
const durationsMs: number[] = [];

/** How long every scrape of this process took so far (client side: an upper bound of its cost). */
export const scrapeDurationsMs = (): readonly number[] => durationsMs;

export function scrapeEverySecond(url: string): { stop(): Promise<void> } {
  let failure: string | undefined;
  let last: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const t0 = performance.now();
    last = fetch(url)
      .then(async (res) => {
        const text = await res.text();
        durationsMs.push(performance.now() - t0);
        if (res.status !== 200 || !text.includes('iot_lecturas_total'))
          failure ??= `scrape of ${url}: ${res.status}`;
      })
      .catch((error: unknown) => {
        failure ??= `scrape of ${url}: ${(error as Error).message}`;
      });
  }, 1000);
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await last;
        if (failure) throw new Error(failure);
      })()),
  };
}
