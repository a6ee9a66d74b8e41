import {
  Controller,
  DynamicModule,
  Get,
  Inject,
  Module,
  ModuleMetadata,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from './public.decorator';

const READINESS = Symbol('READINESS');
const DETAILS = Symbol('DETAILS');

type Details = () => Record<string, unknown>;

export interface HealthOptions {
  /** Ready only while the app's TypeORM connection answers a ping. */
  database: boolean;
  /** Modules whose providers `readiness` and `details` inject. */
  imports?: ModuleMetadata['imports'];
  /** Further readiness checks (an indicator reporting `down` makes ready 503). */
  readiness?: {
    inject?: unknown[];
    useFactory: (...deps: never[]) => HealthIndicatorFunction[];
  };
  /**
   * What an operator wants to see but must not take the app out of rotation
   * (broker connections, counters): reported under `components`, never a 503.
   */
  details?: {
    inject?: unknown[];
    useFactory: (...deps: never[]) => Details;
  };
}

interface StatusReply {
  status(code: number): unknown;
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS) private readonly checks: HealthIndicatorFunction[],
    @Inject(DETAILS) private readonly details: Details,
  ) {}

  /** The process is up and serving HTTP (a liveness probe: restart me if this fails). */
  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Can take traffic: its database answers (what load balancers and Consul use). */
  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) reply: StatusReply): Promise<unknown> {
    return this.readiness(reply);
  }

  /** Kept for compatibility: the readiness check. */
  @Get()
  @Public()
  check(@Res({ passthrough: true }) reply: StatusReply): Promise<unknown> {
    return this.readiness(reply);
  }

  private async readiness(reply: StatusReply): Promise<unknown> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
      reply.status(503);
    }
    return { ...result, components: this.details() };
  }
}

@Module({})
export class HealthModule {
  /** Public `GET /health/live`, `/health/ready` and `/health` (= ready). */
  static forRoot(options: HealthOptions): DynamicModule {
    const { details, readiness } = options;
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS,
          inject: [TypeOrmHealthIndicator, ...((readiness?.inject ?? []) as never[])],
          useFactory: (db: TypeOrmHealthIndicator, ...deps: never[]) => [
            ...(options.database ? [() => db.pingCheck('database', { timeout: 2000 })] : []),
            ...(readiness?.useFactory(...deps) ?? []),
          ],
        },
        {
          provide: DETAILS,
          inject: (details?.inject ?? []) as never[],
          useFactory: (...deps: never[]): Details =>
            details ? details.useFactory(...deps) : () => ({}),
        },
      ],
    };
  }
}
