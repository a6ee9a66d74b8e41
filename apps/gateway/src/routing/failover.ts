const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** What the proxy does after an instance failed a request. */
export type AfterFailure = { next: true } | { next: false; status: 502 | 504; reason: string };

/**
 * The failover choice. A refused connection means nothing reached the
 * instance: any request moves on to the next one (undici reads a body only
 * once connected). Any other failure may have reached it: only an idempotent
 * request without a body is sent again; the rest get 504 when the instance
 * did not answer in time, 502 otherwise.
 */
export function afterFailure(
  service: string,
  method: string,
  hasBody: boolean,
  error: unknown,
): AfterFailure {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || (!hasBody && IDEMPOTENT.has(method))) return { next: true };
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return timedOut
    ? { next: false, status: 504, reason: `${service} did not answer in time` }
    : {
        next: false,
        status: 502,
        reason: `${service} failed: ${code ?? (error as Error).message}`,
      };
}
