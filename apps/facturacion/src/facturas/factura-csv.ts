import { CsvWriter, decimalCsv, Separador } from '../variables/csv';
import type { LineaFactura } from './factura';
import type { Factura } from './facturas.repository';

/** A statement as CSV: one row per line, then its total (same options as the other CSV routes). */
export function facturaCsv(
  f: Factura & { lineas: LineaFactura[] },
  separador: Separador,
): string[] {
  const csv = new CsvWriter(separador);
  const n = (d: string) => decimalCsv(d, separador);
  return [
    csv.row([
      'tipo',
      'concepto',
      'periodo',
      'bloque',
      'cantidad',
      'unidad',
      'precioUnitario',
      'importe',
      'tarifa',
      'versionId',
      'desde',
      'hasta',
      'cobertura',
      'estimada',
    ]),
    ...f.lineas.map((l) =>
      csv.row([
        l.tipo,
        l.concepto,
        l.periodo,
        l.bloque === undefined || l.bloque === null ? '' : String(l.bloque),
        n(l.cantidad),
        l.unidad,
        n(l.precioUnitario),
        n(l.importe),
        l.tarifa,
        l.versionId,
        new Date(l.desde).toISOString(),
        new Date(l.hasta).toISOString(),
        l.cobertura ? n(l.cobertura) : '',
        l.estimada ? n(l.estimada) : '',
      ]),
    ),
    csv.row(['total', f.moneda, '', '', '', '', '', n(f.total), '', '', '', '', '', '']),
  ];
}
