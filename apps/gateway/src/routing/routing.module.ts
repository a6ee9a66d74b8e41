import { createRegistry } from '@iot/common';
import { KeyCache } from '@iot/keys';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Authorizer } from '../auth/caller.hook';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { KeysModule } from '../keys/keys.module';
import { FailedAuthentications } from '../limits/rate-limit.hook';
import {
  MemoryRateLimiter,
  RATE_LIMITER,
  RateLimiter,
  RedisRateLimiter,
} from '../limits/rate-limiter';
import { GatewayProxy } from './proxy';
import { Upstreams } from './upstreams';

/**
 * The parts of the gateway's two front doors (see front-doors.ts): where the
 * services are, who may call, how often, and the proxy built from them.
 */
@Module({
  imports: [KeysModule],
  providers: [
    {
      provide: Upstreams,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new Upstreams(createRegistry(config.registry), {
          afterFailures: config.upstream.ejectAfterFailures,
          forMs: config.upstream.ejectForMs,
        }),
    },
    {
      provide: Authorizer,
      inject: [KeyCache, GATEWAY_CONFIG],
      useFactory: (keys: KeyCache, config: GatewayConfig) =>
        new Authorizer(keys, config.gatewaySecret),
    },
    {
      provide: RATE_LIMITER,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): RateLimiter =>
        config.redisUrl ? new RedisRateLimiter(config.redisUrl) : new MemoryRateLimiter(),
    },
    {
      provide: FailedAuthentications,
      inject: [RATE_LIMITER, GATEWAY_CONFIG],
      useFactory: (limiter: RateLimiter, config: GatewayConfig) =>
        new FailedAuthentications(limiter, config.authFailures),
    },
    {
      provide: GatewayProxy,
      inject: [GATEWAY_CONFIG, Upstreams, Authorizer, RATE_LIMITER, FailedAuthentications],
      useFactory: (
        config: GatewayConfig,
        upstreams: Upstreams,
        authorizer: Authorizer,
        limiter: RateLimiter,
        failed: FailedAuthentications,
      ) =>
        new GatewayProxy({
          upstreams,
          authorizer,
          limiter,
          failed,
          limits: config.rateLimits,
          timeoutMs: config.upstream.timeoutMs,
        }),
    },
  ],
  exports: [Upstreams, Authorizer, RATE_LIMITER, FailedAuthentications, GatewayProxy],
})
export class RoutingModule implements OnApplicationShutdown {
  constructor(
    @Inject(GatewayProxy) private readonly proxy: GatewayProxy,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
    await this.limiter.close();
  }
}
