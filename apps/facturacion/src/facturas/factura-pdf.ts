import PDFDocument from 'pdfkit';
import { horaLocal } from './hora-local';
import type { LineaFactura } from './factura';
import type { Factura } from './facturas.repository';

export interface DatosPdf {
  factura: Factura & { lineas: LineaFactura[] };
  cuenta: { id: string; nombre: string; zona: string };
  /** The period's local first and last days. */
  dias: { primero: string; ultimo: string };
}

const MARGEN = 50;
const ANCHO = 595.28 - 2 * MARGEN; // A4

/** Thousands with commas and the amount's own decimals, as written in the statement's JSON. */
function miles(d: string): string {
  const [entero, fraccion] = d.split('.');
  const signo = entero.startsWith('-') ? '-' : '';
  const grupos = entero.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${signo}${grupos}${fraccion === undefined ? '' : `.${fraccion}`}`;
}

/**
 * The statement as a PDF (pdfkit, A4): header with its number (or BORRADOR
 * across the page for a draft), account and local period, the lines grouped
 * by tariff piece and TOU period, taxes, total, coverage and estimated
 * share, problems, and a bar chart of the energy per local day.
 */
export function facturaPdf(d: DatosPdf): PDFKit.PDFDocument {
  const f = d.factura;
  const doc = new PDFDocument({ size: 'A4', margin: MARGEN, info: { Title: titulo(f) } });
  if (f.estado !== 'final') {
    doc.save();
    doc
      .rotate(-35, { origin: [300, 420] })
      .fontSize(96)
      .fillColor('#dddddd');
    doc.text('BORRADOR', 40, 380, { lineBreak: false });
    doc.restore();
  }
  doc.fillColor('black').fontSize(18).text(titulo(f), MARGEN, MARGEN);
  doc.moveDown(0.5).fontSize(10);
  doc.text(`Cuenta ${d.cuenta.id}: ${d.cuenta.nombre}`);
  doc.text(`Periodo: ${d.dias.primero} a ${d.dias.ultimo} (${d.cuenta.zona})`);
  doc.text(`Moneda: ${f.moneda}`);
  doc.moveDown();

  const columnas = [MARGEN, MARGEN + 200, MARGEN + 300, MARGEN + 390];
  const fila = (celdas: string[], negrita = false): void => {
    const y = doc.y;
    doc.font(negrita ? 'Helvetica-Bold' : 'Helvetica');
    celdas.forEach((c, k) => {
      const ancho = k === 0 ? 195 : k === celdas.length - 1 ? ANCHO - (columnas[k] - MARGEN) : 85;
      doc.text(c, columnas[k], y, { width: ancho, align: k === 0 ? 'left' : 'right' });
    });
    doc.x = MARGEN;
    doc.y = Math.max(doc.y, y + 14);
  };
  const local = (t: string | number | Date): string =>
    horaLocal(new Date(t).getTime(), d.cuenta.zona).fecha;
  let grupo = '';
  fila(['Concepto', 'Cantidad', 'Precio unitario', 'Importe'], true);
  for (const l of f.lineas) {
    const g =
      l.tipo === 'ajuste'
        ? 'Ajustes de facturas anteriores'
        : `${l.tarifa ?? ''} (versión ${l.versionId ?? ''}), ${local(l.desde)} a ${local(new Date(l.hasta).getTime() - 1)}`;
    if (g !== grupo) {
      grupo = g;
      doc.moveDown(0.3).font('Helvetica-Oblique').text(g, MARGEN, doc.y);
    }
    // a tax line: its base, and the rate as a percentage
    const porcentaje = l.unidad === '%';
    fila([
      l.concepto,
      porcentaje ? miles(l.cantidad) : `${miles(l.cantidad)} ${l.unidad}`,
      porcentaje ? `${l.precioUnitario} %` : miles(l.precioUnitario),
      miles(l.importe),
    ]);
  }
  doc.moveDown(0.5);
  fila([`Total ${f.moneda}`, '', '', miles(f.total)], true);
  doc.moveDown().font('Helvetica').fontSize(9);
  doc.text(
    `Energía facturada: ${miles(f.energia)}. Cobertura de datos: ${pct(f.cobertura)}. Energía estimada: ${pct(f.estimada)}.`,
    MARGEN,
    doc.y,
    { width: ANCHO },
  );
  for (const p of f.problemas) doc.fillColor('#a00000').text(`Problema: ${p}`, { width: ANCHO });
  doc.fillColor('black');
  grafico(doc, f.diario);
  doc.end();
  return doc;
}

function titulo(f: Factura): string {
  return f.estado === 'final' && f.serie && f.numero
    ? `Factura ${f.serie}-${f.numero.padStart(6, '0')}`
    : `Factura (borrador) ${f.periodo}`;
}

const pct = (x: string): string => `${(Number(x) * 100).toFixed(2)} %`;

/** Energy per local day as bars, scaled to the highest day. */
function grafico(doc: PDFKit.PDFDocument, diario: Array<{ fecha: string; energia: string }>): void {
  if (diario.length === 0) return;
  doc.moveDown().fontSize(10).text('Energía por día', MARGEN, doc.y);
  const alto = 80;
  const base = doc.y + alto + 5;
  const max = Math.max(...diario.map((x) => Number(x.energia)), 1e-9);
  const paso = ANCHO / Math.max(diario.length, 1);
  diario.forEach((x, k) => {
    const h = (Number(x.energia) / max) * alto;
    doc.rect(MARGEN + k * paso + 1, base - h, Math.max(paso - 2, 1), h).fill('#4472c4');
  });
  doc.fillColor('black').fontSize(7);
  doc.text(diario[0].fecha, MARGEN, base + 3);
  doc.text(diario[diario.length - 1].fecha, MARGEN, base + 3, { width: ANCHO, align: 'right' });
}
