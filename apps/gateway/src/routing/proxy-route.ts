import { errorBody } from '@iot/http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import proxy from 'express-http-proxy';
import { ReplayableBody, withBody } from './replayable-body';
import { UpstreamAgent, UpstreamRequestOptions, UpstreamTimeoutError } from './upstream-agent';
import { Routed } from './request-context';
import { Upstreams } from './upstreams';

export interface RouteOptions {
  /** No byte from the instance for this long: the request fails (504). */
  timeoutMs: number;
}

const agent = new UpstreamAgent({ keepAlive: true, maxSockets: 256 });

/** Methods a client may safely see twice (RFC 9110): retried on another instance. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined ||
  Number(req.headers['content-length'] ?? '0') > 0;

/**
 * `/api/<service>/**` to the service's instances, bodies streamed both ways
 * (express-http-proxy in stream mode: no response decorators). A refused
 * connection moves on to the next instance for any method (nothing was sent;
 * the body bytes read meanwhile are replayed); other failures are retried
 * only for idempotent bodiless methods. No instance left: 503 naming the
 * service.
 */
export function proxyRoute(
  service: string,
  upstreams: Upstreams,
  options: RouteOptions,
): RequestHandler {
  const forward = proxy((req) => (req as Routed).upstream!.url, {
    memoizeHost: false,
    parseReqBody: false,
    proxyReqPathResolver: (req) => req.originalUrl,
    proxyReqOptDecorator: (opts, req) => {
      const r = req as Routed;
      const headers = (opts.headers ?? {}) as Record<string, string>;
      headers['x-request-id'] = r.requestId;
      // express-http-proxy sends `connection: close`: a new upstream connection per request,
      // and the instance's `close` reached the client too (gateway at 0.08 of direct)
      headers.connection = 'keep-alive';
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
        .filter(Boolean)
        .join(', ');
      headers['x-forwarded-host'] = req.headers.host ?? '';
      headers['x-forwarded-proto'] = req.protocol;
      const upstream: UpstreamRequestOptions = {
        onConnected: () => r.replayable?.connected(),
        idleTimeoutMs: options.timeoutMs,
      };
      return { ...opts, headers, agent, ...upstream };
    },
    proxyErrorHandler: (error: NodeJS.ErrnoException, res: Response, next: NextFunction) =>
      next(error),
  });

  return (req: Request, res: Response): void => {
    const routed = req as Routed;
    if (hasBody(req)) routed.replayable = new ReplayableBody(req);
    const tried = new Set<string>();
    const attempt = async (): Promise<void> => {
      const instance = await upstreams.pick(service, tried);
      if (!instance) {
        res.status(503).json(errorBody(503, `no healthy instance of ${service}`, { service }));
        return;
      }
      tried.add(instance.id);
      routed.upstream = instance;
      const target = routed.replayable ? withBody(req, routed.replayable.attempt()) : req;
      forward(target, res, (failure?: unknown) => {
        if (!failure || typeof failure === 'string') return;
        const error = failure as NodeJS.ErrnoException;
        upstreams.failed(instance.id);
        if (res.headersSent) {
          res.destroy(); // the response was under way: cut it, the client sees it failed
          return;
        }
        const refused = error.code === 'ECONNREFUSED';
        const retry = refused || (!hasBody(req) && IDEMPOTENT.has(req.method));
        if (retry) {
          void attempt();
          return;
        }
        const timedOut = error instanceof UpstreamTimeoutError;
        const status = timedOut ? 504 : 502;
        res.status(status).json(
          errorBody(
            status,
            timedOut
              ? `${service} did not answer in time`
              : `${service} failed: ${error.code ?? error.message}`,
            {
              service,
            },
          ),
        );
      });
    };
    res.once('finish', () => {
      if (routed.upstream && res.statusCode < 500) upstreams.succeeded(routed.upstream.id);
    });
    attempt().catch((error: unknown) => {
      res.status(503).json(errorBody(503, `${service}: ${(error as Error).message}`, { service }));
    });
  };
}
