import { crearTablaVariableSql, tablaVariable, vistaFacturacionSql } from './tabla-variable';

describe('per-variable table names', () => {
  it.each(['select', 'user', 'pg_class', 'facturacion'])(
    'quotes %s inside schema variables',
    (n) => {
      expect(tablaVariable(n)).toBe(`"variables"."${n}"`);
    },
  );

  it.each(['voltaje"; DROP TABLE x; --', 'Voltaje', '1a', '', 'a'.repeat(64), "a'b", 'a\u0000'])(
    'refuses %p before any SQL is built',
    (n) => {
      expect(() => tablaVariable(n)).toThrow(/Unsafe SQL identifier/);
      expect(() => crearTablaVariableSql(n)).toThrow(/Unsafe SQL identifier/);
      expect(() => vistaFacturacionSql(['voltaje', n])).toThrow(/Unsafe SQL identifier/);
    },
  );
});
