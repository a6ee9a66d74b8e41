import { INestApplication } from '@nestjs/common';
import { createGatewayApp } from '../../apps/gateway/src/bootstrap';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { TEST_API_KEY } from '../support/dispositivo';
import { http } from '../support/http';

/** The gateway runs on express: API keys are middleware in front of every route. */
describe('gateway API keys (express)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await createGatewayApp(
      loadGatewayConfig({ API_KEYS: TEST_API_KEY, GATEWAY_PORT: '0', LOG_LEVEL: 'error' }),
    );
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(() => app.close());

  it('opens /health without a key and nothing else', async () => {
    expect((await http(url, 'GET', '/health', undefined, { apiKey: null })).status).toBe(200);
    const denied = await http(url, 'GET', '/api/dispositivo/lecturas', undefined, { apiKey: null });
    expect(denied.status).toBe(401);
    expect(denied.body.message).toMatch(/API key/);
    const wrong = { apiKey: `${TEST_API_KEY}x` }; // a near miss
    expect((await http(url, 'GET', '/api/nada', undefined, wrong)).status).toBe(401);
    expect((await http(url, 'GET', '/api/nada')).status).toBe(404);
  });
});
