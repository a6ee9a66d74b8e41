import { BATCH_MAX_BYTES } from '@iot/contracts';
import { TEST_API_KEY, useDispositivo } from '../support/dispositivo';
import { http } from '../support/http';

const lectura = (over: Record<string, unknown> = {}) => ({
  nombreVariable: 'voltaje',
  numeroSerie: 'ABC123',
  estampaTiempo: '2025-01-31T12:00:00Z',
  valorVariable: 220.5,
  ...over,
});

describe('POST /api/dispositivo/envio', () => {
  const ctx = useDispositivo();

  const envio = (body: unknown, options = {}) =>
    http(ctx.svc.url, 'POST', '/api/dispositivo/envio', body, options);

  it('stores a reading and answers 201 with the row id (original contract)', async () => {
    const res = await envio(lectura({ nombreVariable: 'Corriente', valorVariable: '10.25' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      idDispositivo: expect.any(Number),
      nombreVariable: 'corriente',
      numeroSerie: 'ABC123',
      estampaTiempo: '2025-01-31T12:00:00.000Z',
      valorVariable: 10.25,
    });
    const { rows } = await ctx.pg.query('SELECT * FROM lectura WHERE id = $1', [
      res.body.idDispositivo,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].valor_variable).toBe(10.25);
    expect(rows[0].estampa_tiempo.toISOString()).toBe('2025-01-31T12:00:00.000Z');
  });

  it('accepts epoch milliseconds and offsets, stored as the same instant', async () => {
    const a = await envio(lectura({ numeroSerie: 'T1', estampaTiempo: 1738324800000 }));
    const b = await envio(
      lectura({ numeroSerie: 'T2', estampaTiempo: '2025-01-31T07:00:00-05:00' }),
    );
    const c = await envio(lectura({ numeroSerie: 'T3', estampaTiempo: '2025-01-31T12:00:00' }));
    for (const res of [a, b, c]) {
      expect(res.status).toBe(201);
      expect(res.body.estampaTiempo).toBe('2025-01-31T12:00:00.000Z');
    }
  });

  it('is idempotent: a re-send stores nothing and returns the same id', async () => {
    const first = await envio(lectura({ numeroSerie: 'IDEM' }));
    const again = await envio(lectura({ numeroSerie: 'IDEM', estampaTiempo: 1738324800000 }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('lectura-estado')).toBe('duplicate');
    expect(again.body).toEqual(first.body);
    const { rows } = await ctx.pg.query(
      "SELECT count(*)::int AS n FROM lectura WHERE numero_serie = 'IDEM'",
    );
    expect(rows[0].n).toBe(1);
  });

  it('answers 409 with the stored value when the same key comes with another value', async () => {
    const first = await envio(lectura({ numeroSerie: 'CONF', valorVariable: 1 }));
    const other = await envio(lectura({ numeroSerie: 'CONF', valorVariable: 2 }));
    expect(other.status).toBe(409);
    expect(other.body.almacenada).toEqual(first.body);
    expect(other.body.valorRecibido).toBe(2);
    const { rows } = await ctx.pg.query(
      "SELECT valor_variable FROM lectura WHERE numero_serie = 'CONF'",
    );
    expect(rows).toEqual([{ valor_variable: 1 }]);
  });

  it.each([
    [{ nombreVariable: undefined }, 'nombreVariable', 'is required'],
    [{ nombreVariable: 5 }, 'nombreVariable', 'must be a string'],
    [{ nombreVariable: 'v'.repeat(64) }, 'nombreVariable', 'must be at most 63 characters'],
    [{ nombreVariable: 'volt-aje' }, 'nombreVariable', 'must match'],
    [{ numeroSerie: undefined }, 'numeroSerie', 'is required'],
    [{ numeroSerie: ['x'] }, 'numeroSerie', 'must be a string'],
    [{ numeroSerie: 'S'.repeat(65) }, 'numeroSerie', 'must be at most 64 characters'],
    [{ numeroSerie: 'a/b' }, 'numeroSerie', 'must match'],
    [{ estampaTiempo: undefined }, 'estampaTiempo', 'is required'],
    [{ estampaTiempo: '31/01/2025' }, 'estampaTiempo', 'must be an ISO-8601 date-time'],
    [{ estampaTiempo: 1.5 }, 'estampaTiempo', 'must be an ISO-8601 date-time'],
    [{ valorVariable: undefined }, 'valorVariable', 'is required'],
    [{ valorVariable: 'NaN' }, 'valorVariable', 'must be a finite number'],
    [{ valorVariable: 'Infinity' }, 'valorVariable', 'must be a finite number'],
    [{ valorVariable: '1e400' }, 'valorVariable', 'must be a finite number'],
    [{ valorVariable: {} }, 'valorVariable', 'must be a finite number'],
  ])('rejects %p with 400 naming %s', async (over, field, reason) => {
    const res = await envio(lectura(over));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Validation failed');
    expect(res.body.errors).toEqual([{ field, reason: expect.stringContaining(reason) }]);
  });

  it('lists every bad field of one request', async () => {
    const res = await envio({});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'nombreVariable',
      'numeroSerie',
      'estampaTiempo',
      'valorVariable',
    ]);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await envio(undefined, { raw: '{"nombreVariable": "voltaje",' });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
  });

  it.each([['[1,2]'], ['"text"'], ['null']])(
    'rejects a non-object body %s with 400',
    async (raw) => {
      const res = await envio(undefined, { raw });
      expect(res.status).toBe(400);
    },
  );

  it('requires an API key', async () => {
    expect((await envio(lectura(), { apiKey: null })).status).toBe(401);
    expect((await envio(lectura(), { apiKey: `${TEST_API_KEY}x` })).status).toBe(401);
    const bearer = await fetch(`${ctx.svc.url}/api/dispositivo/envio`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(lectura({ numeroSerie: 'BEARER1' })),
    });
    expect(bearer.status).toBe(201);
    const health = await http(ctx.svc.url, 'GET', '/health', undefined, { apiKey: null });
    expect(health.status).toBe(200);
    expect(health.body.info.database.status).toBe('up');
  });

  it('checks the key before reading the body, and before routing', async () => {
    // without a key, neither a malformed nor an oversize body gets past the check
    const malformed = await envio(undefined, { raw: '{"nombreVariable":', apiKey: null });
    expect(malformed.status).toBe(401);
    expect(malformed.body.message).toMatch(/API key/);
    const huge = await http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', undefined, {
      raw: `[${'0,'.repeat(BATCH_MAX_BYTES)}0]`,
      apiKey: null,
    });
    expect(huge.status).toBe(401);
    // unknown routes are not discoverable without a key
    expect((await http(ctx.svc.url, 'GET', '/api/nada', undefined, { apiKey: null })).status).toBe(
      401,
    );
    expect((await http(ctx.svc.url, 'GET', '/api/nada')).status).toBe(404);
  });
});
