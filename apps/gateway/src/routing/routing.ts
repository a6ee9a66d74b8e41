import { createRegistry } from '@iot/common';
import { errorBody } from '@iot/http';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GatewayConfig } from '../config';
import { proxyRoute } from './proxy-route';
import { Upstreams } from './upstreams';

export const SERVICES = ['dispositivo', 'facturacion'] as const;

/** Internal routes: served to facturacion directly, never from outside through the gateway. */
const INTERNAL = ['/api/dispositivo/exportacion'];

/** Mounts the proxied routes; returns the upstream view the health route reports. */
export function mountRoutes(app: NestExpressApplication, config: GatewayConfig): Upstreams {
  const upstreams = new Upstreams(createRegistry(config.registry), {
    afterFailures: config.upstream.ejectAfterFailures,
    forMs: config.upstream.ejectForMs,
  });
  app.use(INTERNAL, (req: Request, res: Response, next: NextFunction) => {
    void next;
    res.status(404).json(errorBody(404, `Cannot ${req.method} ${req.originalUrl.split('?')[0]}`));
  });
  for (const service of SERVICES) {
    app.use(
      `/api/${service}`,
      proxyRoute(service, upstreams, { timeoutMs: config.upstream.timeoutMs }),
    );
  }
  return upstreams;
}
