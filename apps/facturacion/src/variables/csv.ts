import type { FastifyReply } from 'fastify';

/**
 * RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold the
 * separator, a quote, CR or LF (quotes doubled). With `;` as separator,
 * numbers get a decimal comma: what Excel in a Spanish locale expects.
 */
export type Separador = ',' | ';';

export type Celda = string | number | null | undefined;

export class CsvWriter {
  constructor(private readonly separador: Separador) {}

  row(cells: readonly Celda[]): string {
    return `${cells.map((c) => this.cell(c)).join(this.separador)}\r\n`;
  }

  private cell(value: Celda): string {
    if (value === null || value === undefined) return '';
    const text =
      typeof value === 'number'
        ? this.separador === ';'
          ? String(value).replace('.', ',')
          : String(value)
        : value;
    return text.includes(this.separador) || /["\r\n]/.test(text)
      ? `"${text.replace(/"/g, '""')}"`
      : text;
  }
}

/** An exact decimal string with the separator's decimal mark (`;`: a comma, as numbers get). */
export const decimalCsv = (d: string, separador: Separador): string =>
  separador === ';' ? d.replace('.', ',') : d;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/** CSV when asked by `formato=csv`, or by `Accept: text/csv` when formato is absent. */
export function wantsCsv(formato: string | undefined, accept: string | undefined): boolean {
  return formato ? formato === 'csv' : (accept ?? '').includes('text/csv');
}

export function csvReply(reply: FastifyReply, filename: string): FastifyReply {
  return reply
    .type(CSV_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${filename}"`);
}
