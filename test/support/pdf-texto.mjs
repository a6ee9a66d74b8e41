// Prints a PDF's pages and text as JSON, with Mozilla's PDF.js (an ES module: run as its own process).
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, disableFontFace: true, verbosity: 0 }).promise;
const paginas = [];
for (let i = 1; i <= pdf.numPages; i++) {
  const contenido = await (await pdf.getPage(i)).getTextContent();
  paginas.push(contenido.items.map((x) => ('str' in x ? x.str : '')).join('\n'));
}
process.stdout.write(JSON.stringify({ paginas: pdf.numPages, texto: paginas.join('\n') }));
