import { createLogger } from '@iot/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ReplayableBody } from './replayable-body';

/** What the gateway knows about a request while it routes it. */
export interface Routed extends Request {
  requestId: string;
  /** The instance that served it (for the access log). */
  upstream?: { id: string; url: string };
  /** Its body, replayable until an instance accepts the connection. */
  replayable?: ReplayableBody;
}

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * `X-Request-Id`: the client's when it is a sane token, else a new UUID; set
 * on the response and passed upstream. One structured access-log line per
 * request when it finishes (or the client goes away).
 */
export function requestContext() {
  const log = createLogger('access');
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    const id = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
    (req as Routed).requestId = id;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    let logged = false;
    const line = (): void => {
      if (logged) return;
      logged = true;
      log.info({
        requestId: id,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.headersSent ? res.statusCode : 499,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        upstream: (req as Routed).upstream?.id,
      });
    };
    res.once('finish', line);
    res.once('close', line);
    next();
  };
}
