import { Controller, DynamicModule, Get, Inject, Module, ModuleMetadata } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../http/public.decorator';

const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

export interface HealthOptions {
  /** Ping the app's TypeORM connection. */
  database: boolean;
  /** Further indicators (broker connection...), built from the app's providers. */
  extra?: {
    imports?: ModuleMetadata['imports'];
    inject?: unknown[];
    useFactory: (...deps: never[]) => HealthIndicatorFunction[];
  };
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthIndicatorFunction[],
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check(this.checks);
  }
}

@Module({})
export class HealthModule {
  /** Public `GET /health` (Terminus): 200 when every indicator is up, 503 otherwise. */
  static forRoot(options: HealthOptions): DynamicModule {
    const extra = options.extra;
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(extra?.imports ?? [])],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          inject: [TypeOrmHealthIndicator, ...((extra?.inject ?? []) as never[])],
          useFactory: (db: TypeOrmHealthIndicator, ...deps: never[]) => [
            ...(options.database ? [() => db.pingCheck('database')] : []),
            ...(extra ? extra.useFactory(...deps) : []),
          ],
        },
      ],
    };
  }
}
