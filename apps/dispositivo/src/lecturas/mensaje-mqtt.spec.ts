import { interpretarMensaje, TopicosLectura } from './mensaje-mqtt';

const lectura = {
  nombreVariable: 'voltaje',
  numeroSerie: 'ABC',
  estampaTiempo: '2025-01-31T12:00:00Z',
  valorVariable: 1,
};
const buf = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const interpretar = (payload: unknown, serie?: string) =>
  interpretarMensaje(Buffer.isBuffer(payload) ? payload : buf(payload), { maxBytes: 1024, serie });

describe('TopicosLectura', () => {
  const topicos = new TopicosLectura(['iot/sensors4387t5', 'dispositivos/+/lecturas']);

  it('finds the serial level', () => {
    expect(topicos.serieDe('dispositivos/ABC-1/lecturas')).toBe('ABC-1');
    expect(topicos.serieDe('iot/sensors4387t5')).toBeUndefined();
    expect(topicos.serieDe('dispositivos/ABC/otra')).toBeNull();
  });

  it.each(['a/#', '$SYS/x', 'a/+/+', 'a//b', 'a/b+'])('rejects filter %s', (f) => {
    expect(TopicosLectura.problema(f)).toBeDefined();
  });
});

describe('interpretarMensaje', () => {
  it('takes one object or an array', () => {
    expect(interpretar(lectura).lecturas).toHaveLength(1);
    expect(interpretar([lectura, { ...lectura, valorVariable: 2 }]).lecturas).toHaveLength(2);
  });

  it('keeps the good items of an array and names each bad one by its index', () => {
    const r = interpretar([lectura, { ...lectura, valorVariable: 'x' }, 7]);
    expect(r.lecturas).toHaveLength(1);
    expect(r.indices).toEqual([0]);
    expect(r.motivos.map((m) => [m.indice, m.field])).toEqual([
      [1, 'valorVariable'],
      [2, '(item)'],
    ]);
  });

  it.each([
    ['not JSON', '{nope', 'is not valid JSON'],
    ['a NUL byte', Buffer.from([0x7b, 0x00]), 'is not valid JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'is not valid UTF-8'],
    ['oversize', 'x'.repeat(2000), 'exceeds 1024 bytes'],
  ])('rejects a whole message that is %s', (_label, payload, reason) => {
    const r = interpretar(payload);
    expect(r.lecturas).toEqual([]);
    expect(r.motivos).toEqual([{ field: '(payload)', reason }]);
  });

  it('refuses an item nested 3000 levels deep without overflowing the stack', () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const payload = Buffer.from(
      `[${JSON.stringify(lectura)},{"nombreVariable":"voltaje","numeroSerie":"ABC","estampaTiempo":1,"valorVariable":${deep}}]`,
    );
    const r = interpretarMensaje(payload, { maxBytes: 65536 });
    expect(r.lecturas).toHaveLength(1);
    expect(r.motivos).toEqual([
      { indice: 1, field: '(item)', reason: expect.stringContaining('nests deeper than 32') },
    ]);
  });

  it('takes the serial from the topic and rejects a payload serial that differs', () => {
    const { numeroSerie: _omit, ...sinSerie } = lectura;
    expect(interpretar(sinSerie, 'DEV9').lecturas[0].numeroSerie).toBe('DEV9');
    expect(interpretar(lectura, 'ABC').lecturas).toHaveLength(1);
    const r = interpretar(lectura, 'OTHER');
    expect(r.lecturas).toEqual([]);
    expect(r.motivos).toEqual([
      { field: 'numeroSerie', reason: 'does not match the topic\'s serial "OTHER"' },
    ]);
  });
});
