import { createLogger, createRegistry } from '@iot/common';
import { CALLER_HEADER, errorBody } from '@iot/http';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { authenticate, authenticated } from '../auth/caller.hook';
import { GatewayConfig } from '../config';
import { KeyCache } from '../keys/key-cache';
import { rateLimitHook } from '../limits/rate-limit.hook';
import { MemoryRateLimiter, RedisRateLimiter } from '../limits/rate-limiter';
import { LazyBody } from './lazy-body';
import { Upstreams } from './upstreams';

export const SERVICES = ['dispositivo', 'facturacion'] as const;

/** Internal routes: served to facturacion directly, never from outside through the gateway. */
const INTERNAL = ['/api/dispositivo/exportacion'];

/** Methods a client may safely see twice (RFC 9110): retried on another instance. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface Routed {
  requestId: string;
  upstream?: string;
}

const routed = (request: FastifyRequest): Routed => request as unknown as Routed;

/**
 * Bodies up to this size (request or response, by Content-Length) are
 * gathered and passed on in one piece: one write per hop instead of a stream
 * of them, measured as the larger cost of a small proxied POST here. Larger
 * or chunked ones stream.
 */
const SMALL_BODY = 64 * 1024;

const isSmall = (length: string | string[] | undefined): boolean =>
  typeof length === 'string' && length !== '' && Number(length) <= SMALL_BODY;

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined ||
  Number(request.headers['content-length'] ?? '0') > 0;

/**
 * The proxy, on Fastify with @fastify/reply-from (undici, kept-alive pools):
 * `/api/<service>/**` to the registry's instances, round robin, bodies
 * streamed both ways. A refused connection moves on to the next instance for
 * any method (undici reads a body only once connected, and each attempt gets
 * a lazy wrapper of the request: nothing was read); other failures are
 * retried only for idempotent requests without a body; no instance: 503
 * naming the service; no byte for the upstream timeout: 504.
 */
export async function mountRoutes(
  fastify: FastifyInstance,
  config: GatewayConfig,
  keys: KeyCache,
): Promise<Upstreams> {
  const upstreams = new Upstreams(createRegistry(config.registry), {
    afterFailures: config.upstream.ejectAfterFailures,
    forMs: config.upstream.ejectForMs,
  });
  const access = createLogger('access');
  // X-Request-Id: the client's when sane, else a new one; returned and passed upstream
  fastify.addHook('onRequest', (request, reply, done) => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && VALID_ID.test(incoming) ? incoming : randomUUID();
    routed(request).requestId = id;
    void reply.header('x-request-id', id);
    done();
  });
  authenticate(fastify, keys, config.gatewaySecret);
  const limiter = config.redisUrl ? new RedisRateLimiter(config.redisUrl) : new MemoryRateLimiter();
  fastify.addHook('onRequest', rateLimitHook(limiter, config.rateLimits));
  fastify.addHook('onClose', async () => limiter.close());
  // one structured line per request, when the response is done
  fastify.addHook('onResponse', (request, reply, done) => {
    access.info({
      requestId: routed(request).requestId,
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 1000) / 1000,
      upstream: routed(request).upstream,
    });
    done();
  });

  // proxied routes in their own context: bodies are streams for reply-from to
  // pipe, never parsed, while the gateway's own routes (keys) parse JSON
  await fastify.register(async (proxied) => {
    await proxied.register(replyFrom, {
      retryMethods: [],
      undici: {
        connections: 128,
        pipelining: 1,
        headersTimeout: config.upstream.timeoutMs,
        bodyTimeout: config.upstream.timeoutMs,
      },
    });
    proxied.removeAllContentTypeParsers();
    proxied.addContentTypeParser('*', (request, payload, done) => {
      if (!isSmall(request.headers['content-length'])) return done(null, payload);
      collect(payload).then((body) => done(null, body), done);
    });
    for (const path of INTERNAL) {
      proxied.all(path, (request, reply) =>
        reply.code(404).send(errorBody(404, `Cannot ${request.method} ${path}`)),
      );
    }
    for (const service of SERVICES) {
      const handler = proxy(service, upstreams);
      proxied.all(`/api/${service}`, handler);
      proxied.all(`/api/${service}/*`, handler);
    }
  });
  return upstreams;
}

/** The client's key stays at the gateway; instances get the signed caller header instead. */
function withoutCredentials(headers: Record<string, unknown>): Record<string, unknown> {
  const { 'x-api-key': _key, authorization: _auth, [CALLER_HEADER]: _caller, ...rest } = headers;
  return rest;
}

function proxy(service: string, upstreams: Upstreams) {
  const log = createLogger('proxy');
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const tried = new Set<string>();
    const r = routed(request);
    // a small body is a Buffer (sent again as is); a large one a stream, read once
    const source = hasBody(request) ? (request.body as Readable | Buffer) : undefined;
    const attempt = async (): Promise<void> => {
      const instance = await upstreams.pick(service, tried);
      if (!instance) {
        await reply
          .code(503)
          .send(errorBody(503, `no healthy instance of ${service}`, { service }));
        return;
      }
      tried.add(instance.id);
      r.upstream = instance.id;
      // a fresh lazy wrapper per attempt: a failed attempt destroys only its wrapper
      if (source && !Buffer.isBuffer(source)) {
        (request as { body: unknown }).body = new LazyBody(source);
      }
      await reply.from(`${instance.url}${request.url}`, {
        // a gathered body goes as it came (reply-from would re-encode a JSON one)
        ...(Buffer.isBuffer(source) && {
          body: source,
          contentType: request.headers['content-type'] ?? 'application/octet-stream',
        }),
        rewriteRequestHeaders: (req, headers) => ({
          ...withoutCredentials(headers),
          [CALLER_HEADER]: authenticated(request).callerToken,
          'x-request-id': r.requestId,
          'x-forwarded-for': [req.headers['x-forwarded-for'], req.ip].filter(Boolean).join(', '),
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-proto': req.protocol,
        }),
        onResponse: (_request, res, upstream) => {
          if (upstream.statusCode < 500) upstreams.succeeded(instance.id);
          // reply-from has copied the instance's headers onto the reply
          if (!isSmall(String(res.getHeader('content-length')))) {
            return void res.send(upstream.stream);
          }
          collect(upstream.stream).then(
            (body) => void res.send(body),
            // the instance went away mid-body: so does our answer, as with a streamed one
            () => res.raw.destroy(),
          );
        },
        onError: (res, { error }) => {
          upstreams.failed(instance.id);
          log.debug(
            { requestId: r.requestId, upstream: instance.id, err: error },
            'upstream failed',
          );
          const code = (error as { cause?: { code?: string } }).cause?.code;
          const retry =
            code === 'ECONNREFUSED' || (!hasBody(request) && IDEMPOTENT.has(request.method));
          if (retry && !res.sent) {
            void attempt();
            return;
          }
          const timedOut = (error as { statusCode?: number }).statusCode === 504;
          const status = timedOut ? 504 : 502;
          void res
            .code(status)
            .send(
              errorBody(
                status,
                timedOut
                  ? `${service} did not answer in time`
                  : `${service} failed: ${code ?? error.message}`,
                { service },
              ),
            );
        },
      });
    };
    await attempt();
    return reply;
  };
}
