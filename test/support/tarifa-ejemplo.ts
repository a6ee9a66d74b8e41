/** A 12 x 24 matrix: period 1 from `desde` to `hasta` (local hours), else period 0. */
export const horas = (desde: number, hasta: number): number[][] =>
  Array.from({ length: 12 }, () =>
    Array.from({ length: 24 }, (_, h) => (h >= desde && h < hasta ? 1 : 0)),
  );

/**
 * The worked example's tariff (docs/billing.md): Valle (first 100 kWh at 500, the rest at 700)
 * and Punta (900) from 18:00 to 21:59 on weekdays, fixed 12,345.665, IVA 19 %, half-up.
 */
export const tarifaEjemplo = (cambios: object = {}) => ({
  unidad: 'kWh' as const,
  cargoFijo: '12345.665',
  periodos: [
    { nombre: 'Valle', bloques: [{ hasta: '100', precio: '500' }, { precio: '700' }] },
    { nombre: 'Punta', bloques: [{ precio: '900' }] },
  ],
  semana: horas(18, 22),
  finDeSemana: horas(0, 0),
  festivos: 'finDeSemana' as const,
  impuestos: [{ nombre: 'IVA', tipo: 'porcentaje' as const, valor: '19' }],
  redondeo: 'half_up' as const,
  ...cambios,
});
