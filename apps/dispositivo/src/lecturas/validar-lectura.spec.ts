import { lecturaValidaRapida } from './dto/lectura-envio.dto';
import { aLectura, validarConDecoradores, validarLectura } from './validar-lectura';

const valid = {
  nombreVariable: 'Voltaje',
  numeroSerie: 'ABC123',
  estampaTiempo: '2025-01-31T12:00:00Z',
  valorVariable: 220.5,
};

function problems(raw: unknown): Array<{ field: string; reason: string }> {
  const result = validarLectura(raw);
  if (result.ok) throw new Error('expected a rejection');
  return result.errors;
}

describe('validarLectura', () => {
  it('normalises a valid reading', () => {
    const result = validarLectura({ ...valid, valorVariable: '220.5', extra: 'ignored' });
    expect(result).toEqual({
      ok: true,
      lectura: {
        nombreVariable: 'voltaje',
        numeroSerie: 'ABC123',
        estampaTiempo: new Date('2025-01-31T12:00:00Z'),
        valorVariable: 220.5,
      },
    });
  });

  it.each([
    ['nombreVariable', undefined, 'is required'],
    ['nombreVariable', 42, 'must be a string'],
    ['nombreVariable', 'x'.repeat(64), 'must be at most 63 characters'],
    ['nombreVariable', '9volts', 'must match ^[a-z][a-z0-9_]{0,62}$ after lower-casing'],
    ['nombreVariable', 'volt aje', 'must match ^[a-z][a-z0-9_]{0,62}$ after lower-casing'],
    ['numeroSerie', undefined, 'is required'],
    ['numeroSerie', 123, 'must be a string'],
    ['numeroSerie', 'A'.repeat(65), 'must be at most 64 characters'],
    ['numeroSerie', 'dev/1', 'must match'],
    ['estampaTiempo', undefined, 'is required'],
    ['estampaTiempo', 'yesterday', 'must be an ISO-8601 date-time'],
    ['estampaTiempo', true, 'must be an ISO-8601 date-time'],
    ['valorVariable', undefined, 'is required'],
    ['valorVariable', 'abc', 'must be a finite number'],
    ['valorVariable', '1e999', 'must be a finite number'],
    ['valorVariable', true, 'must be a finite number'],
    ['valorVariable', null, 'is required'],
    ['valorVariable', 1e200, 'must be between -1e15 and 1e15'],
    ['valorVariable', -1e308, 'must be between -1e15 and 1e15'],
    ['valorVariable', Number.MAX_VALUE, 'must be between -1e15 and 1e15'],
    ['valorVariable', '1000000000000001', 'must be between -1e15 and 1e15'],
  ])('rejects %s = %p (%s)', (field, value, reason) => {
    const found = problems({ ...valid, [field]: value });
    expect(found).toHaveLength(1);
    expect(found[0].field).toBe(field);
    expect(found[0].reason).toContain(reason);
  });

  it('names every bad field at once', () => {
    expect(problems({}).map((p) => p.field)).toEqual([
      'nombreVariable',
      'numeroSerie',
      'estampaTiempo',
      'valorVariable',
    ]);
  });

  it.each([[1e15], [-1e15], ['-1e15'], [999_999_999_999_999.9]])(
    'accepts the ends of the range: %p',
    (valor) => {
      const result = validarLectura({ ...valid, valorVariable: valor });
      expect(result.ok && result.lectura.valorVariable).toBe(Number(valor));
    },
  );

  it.each([[null], [5], ['text'], [[valid]]])('rejects a non-object item %p', (raw) => {
    expect(problems(raw)).toEqual([{ field: '(item)', reason: 'must be a JSON object' }]);
  });
});

describe('fast path parity with the decorators', () => {
  const variants: Record<string, unknown[]> = {
    nombreVariable: [
      'voltaje',
      ' Voltaje ',
      'V',
      'v'.repeat(63),
      'v'.repeat(64),
      '9v',
      'a-b',
      '',
      5,
      null,
      undefined,
      'ñ',
    ],
    numeroSerie: [
      'ABC123',
      ' ABC ',
      'a.b:c_d-e',
      'S'.repeat(64),
      'S'.repeat(65),
      '-x',
      'a/b',
      '',
      7,
      [],
      undefined,
    ],
    estampaTiempo: [
      '2025-01-31T12:00:00Z',
      '2025-01-31 12:00',
      1738324800000,
      '1738324800000',
      1.5,
      -1,
      'x',
      '2025-02-30T00:00:00Z',
      null,
      true,
      undefined,
    ],
    valorVariable: [
      220.5,
      '220.5',
      ' 1e3 ',
      0,
      -0,
      '',
      'abc',
      '1e999',
      Number.MAX_VALUE,
      1e15,
      -1e15,
      '1e15',
      1e15 + 1,
      -1e15 - 1,
      1e200,
      -1e308,
      true,
      null,
      undefined,
      [1],
    ],
  };
  const base = {
    nombreVariable: 'voltaje',
    numeroSerie: 'ABC123',
    estampaTiempo: '2025-01-31T12:00:00Z',
    valorVariable: 1,
  };
  const cases: unknown[] = [null, 1, 'x', [], [base], {}];
  for (const [field, values] of Object.entries(variants)) {
    for (const value of values) cases.push({ ...base, [field]: value });
  }

  it.each(cases.map((c) => [JSON.stringify(c) ?? String(c), c]))(
    'agrees with class-validator on %s',
    (_label, raw) => {
      const fast = lecturaValidaRapida(raw);
      const slow = validarConDecoradores(raw);
      expect(fast !== undefined).toBe(slow.ok);
      if (fast && slow.ok) expect(aLectura(fast)).toEqual(slow.lectura);
    },
  );
});
