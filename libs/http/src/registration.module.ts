import { ConsulRegistry, createLogger, RegistryConfig } from '@iot/common';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const OPTIONS = Symbol('REGISTRATION_OPTIONS');

interface RegistrationOptions {
  name: string;
  registry: RegistryConfig;
}

/**
 * With REGISTRY=consul: registers this instance once its HTTP server listens
 * (the real port, also when started on port 0) with a check on
 * `/health/ready`, and deregisters before shutdown so callers drop it at
 * once instead of after failed checks. With the static registry: nothing.
 */
@Injectable()
class Registration implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consul?: ConsulRegistry;

  constructor(
    @Inject(OPTIONS) private readonly options: RegistrationOptions,
    private readonly adapter: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const { registry, name } = this.options;
    if (registry.driver !== 'consul') return;
    const server = this.adapter.httpAdapter.getHttpServer() as Server;
    server.once('listening', () => {
      const port = (server.address() as AddressInfo).port;
      this.consul = new ConsulRegistry({ url: registry.consulUrl, token: registry.consulToken });
      const id = this.consul.register({ name, address: registry.advertiseAddress, port });
      createLogger('registry').debug({ id }, 'registering in Consul');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consul?.close();
  }
}

@Module({})
export class RegistrationModule {
  static forRoot(options: RegistrationOptions): DynamicModule {
    return {
      module: RegistrationModule,
      providers: [{ provide: OPTIONS, useValue: options }, Registration],
    };
  }
}
