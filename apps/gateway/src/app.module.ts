import { Public, RegistrationModule } from '@iot/http';
import { Controller, DynamicModule, Get, Inject, Module, Res } from '@nestjs/common';
import { GatewayConfig } from './config';
import { SERVICES } from './routing/routing';
import { Upstreams } from './routing/upstreams';

const UPSTREAMS = Symbol('UPSTREAMS');

interface StatusReply {
  status(code: number): unknown;
}

/** Ready while every service has at least one usable instance; counts per service. */
@Controller('health')
class GatewayHealthController {
  constructor(@Inject(UPSTREAMS) private readonly upstreams: () => Upstreams | undefined) {}

  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) res: StatusReply): Promise<object> {
    return this.readiness(res);
  }

  @Get()
  @Public()
  check(@Res({ passthrough: true }) res: StatusReply): Promise<object> {
    return this.readiness(res);
  }

  private async readiness(res: StatusReply): Promise<object> {
    const counts = (await this.upstreams()?.counts(SERVICES)) ?? {};
    const missing = SERVICES.filter((s) => !counts[s]);
    if (missing.length > 0) res.status(503);
    return {
      status: missing.length > 0 ? 'error' : 'ok',
      services: Object.fromEntries(SERVICES.map((s) => [s, { instances: counts[s] ?? 0 }])),
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, upstreams: () => Upstreams | undefined): DynamicModule {
    return {
      module: AppModule,
      imports: [RegistrationModule.forRoot({ name: 'gateway', registry: config.registry })],
      controllers: [GatewayHealthController],
      providers: [{ provide: UPSTREAMS, useValue: upstreams }],
    };
  }
}
