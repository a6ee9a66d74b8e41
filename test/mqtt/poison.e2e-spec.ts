import { metrics } from '@iot/common';
import { http } from '../support/http';
import { brokerKinds } from '../support/mqtt-broker';
import { useMqttDispositivo } from '../support/mqtt-dispositivo';
import { waitFor } from '../support/wait';

const lectura = (serie: string, i: number) => ({
  nombreVariable: 'voltaje',
  numeroSerie: serie,
  estampaTiempo: 1738324800000 + i * 1000,
  valorVariable: i,
});

/** Hostile messages must end as a dead letter or a commit; none may stall what follows. */
describe.each(brokerKinds())('MQTT poison messages via $name', (kind) => {
  const ctx = useMqttDispositivo(kind, 'poison');
  const { connectPublisher, count } = ctx;
  const mqttStatus = ctx.status;

  const rechazadasOn = async (topic: string) =>
    (
      await ctx.pg.query(
        'SELECT payload, payload_bytes, motivo FROM lectura_rechazada WHERE topic = $1 ORDER BY id',
        [topic],
      )
    ).rows as Array<{ payload: Buffer; payload_bytes: number; motivo: any[] }>;
  const publishMany = async (serie: string, n: number) => {
    const all = [];
    for (let i = 0; i < n; i++) {
      all.push(
        ctx.pub.publishAsync('iot/sensors4387t5', JSON.stringify(lectura(serie, i)), { qos: 1 }),
      );
    }
    await Promise.all(all);
  };

  /** This process's count (the apps of a spec file share one registry: compare before and after). */
  const rechazadas = async (reason: string): Promise<number> => {
    const metric = metrics.getSingleMetric('iot_lecturas_rechazadas_total');
    const values = metric ? (await metric.get()).values : [];
    return (
      values.find((v) => v.labels.transport === 'mqtt' && v.labels.reason === reason)?.value ?? 0
    );
  };

  it('dead-letters a NUL byte payload as its raw bytes and keeps consuming', async () => {
    const malformed = await rechazadas('malformed');
    const poison = Buffer.from([0x7b, 0x00]);
    await ctx.pub.publishAsync('dispositivos/NUL1/lecturas', poison, { qos: 1 });
    await publishMany('AFTERNUL', 2000);
    await waitFor(async () => (await count('AFTERNUL')) === 2000);
    await waitFor(async () => (await rechazadasOn('dispositivos/NUL1/lecturas')).length === 1);
    const [letter] = await rechazadasOn('dispositivos/NUL1/lecturas');
    expect(letter.payload.equals(poison)).toBe(true);
    expect(letter.motivo).toEqual([{ field: '(payload)', reason: 'is not valid JSON' }]);
    await waitFor(async () => (await mqttStatus()).unacknowledged === 0);
    expect((await rechazadas('malformed')) - malformed).toBe(1);
  });

  it('keeps the original bytes of an item JSON.parse would change (1e309)', async () => {
    const text = '[{"nombreVariable":"voltaje","estampaTiempo":1,"valorVariable":1e309}]';
    await ctx.pub.publishAsync('dispositivos/HUGE1/lecturas', text, { qos: 1 });
    await waitFor(async () => (await rechazadasOn('dispositivos/HUGE1/lecturas')).length === 1);
    const [letter] = await rechazadasOn('dispositivos/HUGE1/lecturas');
    expect(letter.payload.toString()).toBe(text);
    expect(letter.motivo).toEqual([
      { indice: 0, field: 'valorVariable', reason: expect.stringContaining('finite number') },
    ]);
    const page = await http(ctx.svc.url, 'GET', '/api/dispositivo/rechazadas?limite=1000');
    const listed = page.body.rechazadas.find((r: any) => r.topic === 'dispositivos/HUGE1/lecturas');
    expect(listed.payload).toBe(text);
  });

  it('dead-letters values beyond ±1e15 and stores the largest accepted ones', async () => {
    const topic = 'dispositivos/RANGE1/lecturas';
    const text = JSON.stringify(
      [1e200, -1e308, 1e308, 1e15, -1e15, 1e15 + 2].map((valorVariable, i) => ({
        ...lectura('RANGE1', i),
        valorVariable,
      })),
    );
    await ctx.pub.publishAsync(topic, text, { qos: 1 });
    await waitFor(async () => (await rechazadasOn(topic)).length === 1);
    await waitFor(async () => (await count('RANGE1')) === 2);
    const [letter] = await rechazadasOn(topic);
    expect(letter.motivo).toEqual(
      [0, 1, 2, 5].map((indice) => ({
        indice,
        field: 'valorVariable',
        reason: 'must be between -1e15 and 1e15 (a larger magnitude is a device fault)',
      })),
    );
    const stored = await ctx.pg.query(
      `SELECT valor_variable FROM lectura WHERE numero_serie = 'RANGE1' ORDER BY estampa_tiempo`,
    );
    expect(stored.rows.map((r) => r.valor_variable)).toEqual([1e15, -1e15]);
  });

  it('dead-letters an item nested 3000 levels deep and stores its siblings', async () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const text = `[${JSON.stringify(lectura('DEEP1', 1))},{"nombreVariable":"voltaje","numeroSerie":"DEEP1","estampaTiempo":2,"valorVariable":${deep}}]`;
    await ctx.pub.publishAsync('iot/sensors4387t5', text, { qos: 1 });
    await waitFor(async () => (await count('DEEP1')) === 1);
    const letters = (await rechazadasOn('iot/sensors4387t5')).filter((l) =>
      l.payload.toString().includes('DEEP1'),
    );
    expect(letters).toHaveLength(1);
    expect(letters[0].motivo[0]).toMatchObject({ indice: 1, field: '(item)' });
  });

  it('stores a message published twice as one dead letter', async () => {
    const topic = 'dispositivos/TWICE1/lecturas';
    await ctx.pub.publishAsync(topic, '{"not":"a reading"', { qos: 1 });
    await ctx.pub.publishAsync(topic, '{"not":"a reading"', { qos: 1 });
    await publishMany('AFTERTWICE', 10);
    await waitFor(async () => (await count('AFTERTWICE')) === 10);
    await waitFor(async () => (await mqttStatus()).unacknowledged === 0);
    expect(await rechazadasOn(topic)).toHaveLength(1);
  });

  it('is not stalled by a topic with an empty level', async () => {
    const rogue = await connectPublisher({ reconnectPeriod: 0 });
    const outcome = await Promise.race([
      rogue
        .publishAsync('dispositivos//lecturas', JSON.stringify(lectura('X', 1)), { qos: 1 })
        .then(
          () => 'acknowledged',
          () => 'refused',
        ),
      new Promise<string>((resolve) => rogue.once('close', () => resolve('refused'))),
    ]);
    rogue.end(true);
    if (outcome === 'acknowledged') {
      // the broker delivered it: dispositivo must have dead-lettered it (the serial is empty)
      await waitFor(async () => (await rechazadasOn('dispositivos//lecturas')).length === 1);
    } else {
      // the embedded broker refuses it: nothing acknowledged that is not delivered
      expect(kind.name).toMatch(/aedes/);
    }
    await publishMany('AFTEREMPTY', 100);
    await waitFor(async () => (await count('AFTEREMPTY')) === 100);
  });
});
