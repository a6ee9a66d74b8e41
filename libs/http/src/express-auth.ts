import type { NextFunction, Request, Response } from 'express';
import { API_KEY_REJECTED, ApiKeys } from './api-keys';
import { errorBody } from './http-exception.filter';

/**
 * API keys on the express app (the gateway), as middleware mounted before any
 * route: the proxied routes of express-http-proxy are middleware too, out of
 * reach of Nest guards. Only `publicPaths` (exact paths) are open.
 */
export function apiKeyMiddleware(keys: ApiKeys, publicPaths: readonly string[]) {
  const open = new Set(publicPaths);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (open.has(request.path) || keys.accepts(request)) {
      next();
      return;
    }
    response.status(401).set('connection', 'close').json(errorBody(401, API_KEY_REJECTED));
  };
}
