import { counter, createLogger, histogram, requestContext, requestIdFrom } from '@iot/common';
import type { Logger } from 'pino';
import { CALLER_HEADER, errorBody } from '@iot/http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { Dispatcher, Pool } from 'undici';
import { Authorizer, pathOf } from '../auth/caller.hook';
import { admit, FailedAuthentications } from '../limits/rate-limit.hook';
import { Limit, RateLimiter } from '../limits/rate-limiter';
import { INTERNAL_ROUTES, Role, routeOf } from '@iot/contracts';
import { afterFailure } from './failover';
import { LazyBody } from './lazy-body';
import { Upstreams } from './upstreams';

export const SERVICES = ['dispositivo', 'facturacion'] as const;

/** Methods a client may safely see twice (RFC 9110): retried on another instance. */

/**
 * Bodies up to this size (request or response, by Content-Length) are
 * gathered and passed on in one piece: one write per hop instead of a stream
 * of them (writev syscalls and stream garbage were the largest costs of a
 * small proxied POST here). Larger or chunked ones stream.
 */
const SMALL_BODY = 64 * 1024;

/** Not passed on (RFC 9110 §7.6.1), plus what the gateway replaces. */
const DROPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'x-api-key',
  'authorization',
  CALLER_HEADER,
]);

const isSmall = (length: string | string[] | undefined): boolean =>
  typeof length === 'string' && length !== '' && Number(length) <= SMALL_BODY;

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!stream.readableEnded) reject(new Error('the stream closed before its end'));
    });
  });
}

/**
 * Ends an instance's answer nobody will read. undici's body then reports an
 * abort as an 'error' event: with no listener left (pipeline removes its own
 * once done) that would crash the process.
 */
function drop(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

const requests = counter({
  name: 'iot_gateway_requests_total',
  help: 'Proxied requests by service, route, status and the instance that served them',
  labelNames: ['service', 'route', 'status', 'upstream'] as const,
});
const seconds = histogram({
  name: 'iot_gateway_request_seconds',
  help: 'Proxied requests, time to the end of the answer',
  labelNames: ['service', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
});

/** Which service a path belongs to, if it is proxied at all. */
function serviceOf(url: string): (typeof SERVICES)[number] | undefined {
  for (const service of SERVICES) {
    const prefix = `/api/${service}`;
    if (!url.startsWith(prefix)) continue;
    const next = url.charCodeAt(prefix.length);
    if (Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */) return service;
  }
  return undefined;
}

export interface ProxyOptions {
  upstreams: Upstreams;
  authorizer: Authorizer;
  limiter: RateLimiter;
  /** Counts a 401 against the client's address; may turn it into a 429. */
  failed: FailedAuthentications;
  limits: Record<Role, Limit>;
  timeoutMs: number;
}

/**
 * `/api/<service>/**` straight on node:http and undici pools (kept alive per
 * instance), outside Fastify and Nest: measured at +55 % requests per second
 * over Fastify with @fastify/reply-from for small POSTs. Keys, roles and rate
 * limits are decided from the request line and headers before any of the
 * body is read. A refused connection moves on to the next instance for any
 * method (undici reads a body only once connected; a small body is resent as
 * is, a large one read through a fresh lazy wrapper per attempt); other
 * failures are retried only for idempotent requests without a body; no
 * instance: 503 naming the service; no byte for the upstream timeout: 504.
 */
export class GatewayProxy {
  private readonly pools = new Map<string, Pool>();
  private readonly access: Logger = createLogger('access');
  private readonly log: Logger = createLogger('proxy');

  constructor(private readonly options: ProxyOptions) {}

  /** Takes the request if it is a proxied one; false leaves it to the gateway's own routes. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const service = serviceOf(url);
    if (!service) return false;
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const state: { upstream?: string } = {};
    res.setHeader('x-request-id', requestId);
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.access.info({
        requestId,
        method: req.method,
        path: pathOf(url),
        status: res.statusCode,
        ms,
        upstream: state.upstream,
      });
      const route = routeOf(pathOf(url));
      requests.inc({ service, route, status: res.statusCode, upstream: state.upstream ?? 'none' });
      seconds.observe({ service, route }, ms / 1000);
    });
    // its log lines (failed upstreams) carry the request id
    requestContext.run({ requestId }, () => void this.serve(service, req, res, requestId, state));
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }

  private async serve(
    service: string,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    state: { upstream?: string },
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = pathOf(url);
    const verdict = this.options.authorizer.decide(method, path, req.headers);
    if (!verdict.ok) {
      const throttled =
        verdict.status === 401
          ? await this.options.failed.record(req.socket.remoteAddress)
          : undefined;
      if (!throttled) return this.reply(res, verdict.status, verdict.message, true);
      res.setHeader('retry-after', String(throttled.retryAfterS));
      return this.reply(res, 429, throttled.message, true);
    }
    if (INTERNAL_ROUTES.has(path)) return this.reply(res, 404, `Cannot ${method} ${path}`);
    const throttled = await admit(this.options.limiter, this.options.limits, verdict.holder);
    if (throttled) {
      res.setHeader('retry-after', String(throttled.retryAfterS));
      return this.reply(res, 429, throttled.message);
    }
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? '0') > 0;
    let body: Buffer | undefined;
    if (hasBody && isSmall(req.headers['content-length'])) {
      try {
        body = await collect(req);
      } catch {
        return; // the client went away mid-body
      }
    }
    const headers = this.forwardHeaders(req, requestId, verdict.callerToken);
    // the instance routes the path that was checked, not another spelling of it
    const query = url.indexOf('?');
    const forwardedPath = query === -1 ? path : path + url.slice(query);
    const tried = new Set<string>();
    // a client that leaves mid-answer: the instance's answer is dropped (no AbortController
    // per request: its signal plumbing cost as much as the key check, measured)
    let answer: Dispatcher.ResponseData | undefined;
    res.once('close', () => {
      if (!res.writableFinished && answer) drop(answer.body);
    });
    for (;;) {
      const instance = await this.options.upstreams.pick(service, tried);
      if (!instance) {
        return this.reply(res, 503, `no healthy instance of ${service}`, false, { service });
      }
      tried.add(instance.id);
      state.upstream = instance.id;
      try {
        answer = await this.pool(instance.url).request({
          method: method,
          path: forwardedPath,
          headers,
          body: body ?? (hasBody ? new LazyBody(req) : null),
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
        if (answer.statusCode < 500) this.options.upstreams.succeeded(instance.id);
        return this.relay(answer, res);
      } catch (error) {
        if (res.destroyed) return; // the client left
        this.options.upstreams.failed(instance.id);
        this.log.debug({ requestId, upstream: instance.id, err: error }, 'upstream failed');
        const then = afterFailure(service, method, hasBody, error);
        if (then.next) continue;
        return this.reply(res, then.status, then.reason, false, { service });
      }
    }
  }

  private forwardHeaders(
    req: IncomingMessage,
    requestId: string,
    callerToken: string,
  ): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    const raw: IncomingHttpHeaders = req.headers;
    for (const name in raw) {
      const value = raw[name];
      if (value !== undefined && !DROPPED.has(name)) out[name] = value;
    }
    const forwardedFor = raw['x-forwarded-for'];
    const ip = req.socket.remoteAddress ?? '';
    out['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${ip}` : ip;
    out['x-forwarded-host'] = raw.host ?? '';
    out['x-forwarded-proto'] = 'http';
    out['x-request-id'] = requestId;
    out[CALLER_HEADER] = callerToken;
    return out;
  }

  /** The instance's answer to the client: small bodies in one write, others streamed. */
  private relay(upstream: Dispatcher.ResponseData, res: ServerResponse): void {
    if (res.destroyed) {
      drop(upstream.body);
      return;
    }
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !DROPPED.has(name)) res.setHeader(name, value);
    }
    res.statusCode = upstream.statusCode;
    if (isSmall(upstream.headers['content-length'])) {
      collect(upstream.body).then(
        (buffer) => res.end(buffer),
        // the instance went away mid-body: so does our answer, as with a streamed one
        () => res.destroy(),
      );
      return;
    }
    pipeline(upstream.body, res, () => undefined); // an error on either side ends both
  }

  private reply(
    res: ServerResponse,
    status: number,
    message: string,
    close = false,
    extra: object = {},
  ): void {
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(errorBody(status, message, extra));
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(body));
    // a refused client's body is not read any further
    if (close) res.setHeader('connection', 'close');
    res.end(body);
  }

  private pool(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new Pool(url, { connections: 128, pipelining: 1 });
      this.pools.set(url, pool);
    }
    return pool;
  }
}
