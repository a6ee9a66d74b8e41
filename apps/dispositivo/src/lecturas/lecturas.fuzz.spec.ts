import { IDENTIFIER_PATTERN, NUMERO_SERIE_MAX_LENGTH, NUMERO_SERIE_PATTERN } from '@iot/contracts';
import fc from 'fast-check';
import { lecturaValidaRapida } from './dto/lectura-envio.dto';
import { MAX_EPOCH_MS } from '@iot/contracts';
import { Lectura } from './lectura';
import { interpretarMensaje } from './mensaje-mqtt';
import { validarConDecoradores } from './validar-lectura';

/** Property-based: seconds in `npm test`; FUZZ_RUNS=100000 for a long run. */
const runs = Number(process.env.FUZZ_RUNS ?? 300);

function cumpleLasReglas(l: Lectura): void {
  expect(l.nombreVariable).toMatch(IDENTIFIER_PATTERN);
  expect(l.numeroSerie).toMatch(NUMERO_SERIE_PATTERN);
  expect(l.numeroSerie.length).toBeLessThanOrEqual(NUMERO_SERIE_MAX_LENGTH);
  const ms = l.estampaTiempo.getTime();
  expect(ms).toBeGreaterThanOrEqual(0);
  expect(ms).toBeLessThanOrEqual(MAX_EPOCH_MS);
  expect(Number.isFinite(l.valorVariable)).toBe(true);
}

// values a device might send in each field, good and bad
const campo = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'voltaje',
    'Corriente',
    ' temp_1 ',
    'ABC-1',
    'a.b:c_d',
    '',
    '\u0000',
    'x'.repeat(70),
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1738324800000, MAX_EPOCH_MS + 1, Number.POSITIVE_INFINITY, Number.NaN),
  fc.constantFrom(
    '2025-01-31T12:00:00Z',
    '0099-06-01T12:00:00Z',
    '2025-02-30T00:00:00Z',
    '1e3',
    ' 42 ',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const lecturaCasi = fc.record(
  { nombreVariable: campo, numeroSerie: campo, estampaTiempo: campo, valorVariable: campo },
  { requiredKeys: [] },
);

describe('reading validation, property-based', () => {
  it('the fast path and class-validator give the same verdict and the same reading', () => {
    fc.assert(
      fc.property(lecturaCasi, (raw) => {
        const rapida = lecturaValidaRapida(raw);
        const completa = validarConDecoradores(raw);
        expect(completa.ok).toBe(rapida !== undefined);
        if (rapida && completa.ok) {
          expect(completa.lectura).toEqual(rapida);
          cumpleLasReglas(rapida);
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('interpretarMensaje, property-based', () => {
  const mensaje = fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
    fc.array(lecturaCasi, { maxLength: 20 }).map((a) => Buffer.from(JSON.stringify(a))),
    lecturaCasi.map((o) => Buffer.from(JSON.stringify(o))),
    fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.string({ unit: 'binary' }).map((s) => Buffer.from(s, 'utf8')),
  );

  it('never throws; every byte string ends as readings plus reasons, and every reading obeys the rules', () => {
    fc.assert(
      fc.property(
        mensaje,
        fc.option(fc.constantFrom('DEV1', 'X'), { nil: undefined }),
        (payload, serie) => {
          const r = interpretarMensaje(payload, { maxBytes: 4096, serie });
          expect(r.lecturas.length).toBe(r.indices.length);
          // a message yields a reading or a reason; only an empty array holds nothing
          if (payload.toString() !== '[]') {
            expect(r.lecturas.length + r.motivos.length).toBeGreaterThan(0);
          }
          for (const l of r.lecturas) {
            cumpleLasReglas(l);
            if (serie) expect(l.numeroSerie).toBe(serie);
          }
        },
      ),
      { numRuns: runs },
    );
  });
});
