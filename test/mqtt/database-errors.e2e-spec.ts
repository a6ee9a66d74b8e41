import { brokerKinds } from '../support/mqtt-broker';
import { useMqttDispositivo } from '../support/mqtt-dispositivo';
import { waitFor } from '../support/wait';

// broker-independent: the embedded broker, which every machine has
const EMBEDDED_BROKER = brokerKinds().find((k) => k.name.startsWith('embedded'))!;

/**
 * Faults injected by a trigger: a reading of serial FAIL-<sqlstate>-<times> makes
 * its INSERT raise that SQLSTATE <times> times (a sequence counts, since it is
 * not rolled back with the failed transaction). What can succeed later is
 * retried; what cannot is dead-lettered with the database's reason.
 */
describe('MQTT ingestion when the database refuses', () => {
  const ctx = useMqttDispositivo(EMBEDDED_BROKER, 'faults', async (pg) => {
    await pg.query(`
        CREATE FUNCTION inject_fault() RETURNS trigger AS $$
        DECLARE parts text[] := string_to_array(
          (SELECT numero_serie FROM dispositivo WHERE id = NEW.dispositivo_id), '-'); seq text;
        BEGIN
          IF parts[1] = 'FAIL' THEN
            seq := 'fault_' || lower(parts[2]) || '_' || parts[3];
            IF nextval(seq) <= parts[3]::int THEN
              RAISE EXCEPTION 'injected fault' USING ERRCODE = parts[2];
            END IF;
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
    // created here: a CREATE inside the failing transaction would roll back with it
    for (const code of ['08006', '53300', '57p01', '40001'])
      await pg.query(`CREATE SEQUENCE fault_${code}_2`);
    await pg.query('CREATE SEQUENCE fault_22023_1000000');
    await pg.query(
      'CREATE TRIGGER inject_fault BEFORE INSERT ON lectura_codificada FOR EACH ROW EXECUTE FUNCTION inject_fault()',
    );
    // which transaction wrote what: readings and dead letters of one message share it
    await pg.query('CREATE TABLE tx_audit (tabla text, fila bigint, tx xid8)');
    await pg.query(`
        CREATE FUNCTION audit_tx() RETURNS trigger AS $$
        BEGIN INSERT INTO tx_audit VALUES (TG_TABLE_NAME, NEW.id, pg_current_xact_id()); RETURN NEW; END
        $$ LANGUAGE plpgsql`);
    for (const t of ['lectura_codificada', 'lectura_rechazada']) {
      await pg.query(
        `CREATE TRIGGER audit_tx AFTER INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION audit_tx()`,
      );
    }
  });
  const { status, count } = ctx;

  const rechazadas = async (like: string) =>
    (
      await ctx.pg.query(
        "SELECT id, motivo FROM lectura_rechazada WHERE convert_from(payload, 'UTF8') LIKE $1",
        [`%${like}%`],
      )
    ).rows;
  const reading = (serie: string, i = 0) =>
    JSON.stringify({
      nombreVariable: 'voltaje',
      numeroSerie: serie,
      estampaTiempo: 1.7e12 + i,
      valorVariable: i,
    });

  it.each([
    ['08006', 'connection failure'],
    ['53300', 'too many connections'],
    ['57P01', 'admin shutdown'],
    ['40001', 'serialization failure'],
  ])('retries SQLSTATE %s (%s) until it succeeds, without a dead letter', async (code) => {
    const serie = `FAIL-${code}-2`;
    const before = (await status()).retries;
    await ctx.pub.publishAsync('iot/sensors4387t5', reading(serie), { qos: 1 });
    await waitFor(async () => (await count(serie)) === 1);
    expect((await status()).retries - before).toBeGreaterThanOrEqual(2);
    expect(await rechazadas(serie)).toEqual([]);
  });

  it('dead-letters a data error (22023) with the database reason, acknowledges it, and stores the rest of the flush', async () => {
    const serie = 'FAIL-22023-1000000';
    const before = (await status()).retries;
    const sent = [];
    for (let i = 0; i < 50; i++) {
      sent.push(ctx.pub.publishAsync('iot/sensors4387t5', reading('NEIGHBOUR', i), { qos: 1 }));
      if (i === 25)
        sent.push(ctx.pub.publishAsync('iot/sensors4387t5', reading(serie), { qos: 1 }));
    }
    await Promise.all(sent);
    await waitFor(async () => (await count('NEIGHBOUR')) === 50);
    await waitFor(async () => (await rechazadas(serie)).length === 1);
    const [letter] = await rechazadas(serie);
    expect(letter.motivo).toEqual([
      { field: '(database)', reason: expect.stringMatching(/SQLSTATE 22023.*injected fault/) },
    ]);
    expect((await status()).retries).toBe(before);
    await waitFor(async () => (await status()).unacknowledged === 0);
  });

  it('commits a message readings and its dead letter in one transaction', async () => {
    const text = JSON.stringify([
      { nombreVariable: 'voltaje', numeroSerie: 'ONETX', estampaTiempo: 1, valorVariable: 1 },
      { nombreVariable: 'voltaje', numeroSerie: 'ONETX', estampaTiempo: 'ayer', valorVariable: 2 },
    ]);
    await ctx.pub.publishAsync('iot/sensors4387t5', text, { qos: 1 });
    await waitFor(async () => (await rechazadas('ONETX')).length === 1);
    const { rows } = await ctx.pg.query(
      `SELECT DISTINCT a.tx FROM tx_audit a
       WHERE (a.tabla LIKE 'lectura_codificada%' AND a.fila IN (SELECT id FROM lectura WHERE numero_serie = 'ONETX'))
          OR (a.tabla = 'lectura_rechazada' AND a.fila = $1)`,
      [(await rechazadas('ONETX'))[0].id],
    );
    expect(rows).toHaveLength(1);
  });
});
