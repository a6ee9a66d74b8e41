import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  durationS: number;
  p50: number;
  p99: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** A fresh JSON body per request (unique readings: no duplicate skews the result). */
  body: () => string;
  onResponse?: (status: number, body: string) => void;
  /** Open-loop: this many requests per second in total (autocannon overallRate). */
  overallRate?: number;
}

/** Closed-loop HTTP load with autocannon; latency in ms. */
export async function httpLoad(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationS,
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path: o.path,
        headers: { 'content-type': 'application/json', ...o.headers },
        setupRequest: (req) => ({ ...req, body: o.body() }),
        onResponse: (status, body) => o.onResponse?.(status, body),
      },
    ],
  });
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationS: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
