import { EnvReader, readServiceConfig } from '@iot/common';
import { createHttpApp } from '@iot/http';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { TEST_API_KEY } from '../support/dispositivo';

@Controller('api/dispositivo')
class PartialController {
  @Post('envio')
  envio(): string {
    return 'ok';
  }

  @Get('nueva')
  nueva(): string {
    return 'ok';
  }
}

@Module({ controllers: [PartialController] })
class PartialModule {}

/**
 * A service checks its route table against libs/contracts when it starts:
 * a route added without the contract (the gateway would label it "(other)")
 * or a contract route it no longer serves stops the start, naming both.
 */
describe('the route contract at start-up', () => {
  it('refuses to start a dispositivo whose routes differ from the contract', async () => {
    const env = new EnvReader({ API_KEYS: TEST_API_KEY, LOG_LEVEL: 'error' });
    const config = readServiceConfig(env, {
      name: 'dispositivo',
      portVar: 'DISPOSITIVO_PORT',
      defaultPort: 0,
    });
    const app = await createHttpApp(PartialModule, config, {
      bodyLimit: 1024,
      routeContract: 'dispositivo',
    });
    try {
      await expect(app.listen(0, '127.0.0.1')).rejects.toThrow(
        /dispositivo's routes differ from libs\/contracts: \/api\/dispositivo\/nueva is served but not in the contract; \/api\/dispositivo\/lecturas is in the contract but not served/,
      );
    } finally {
      await app.close().catch(() => undefined);
    }
  });
});
