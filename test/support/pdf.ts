import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The pages and text of a PDF, extracted by PDF.js in a child process. */
export async function pdfTexto(pdf: Buffer): Promise<{ paginas: number; texto: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pdf-'));
  try {
    const archivo = join(dir, 'f.pdf');
    await writeFile(archivo, pdf);
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(__dirname, 'pdf-texto.mjs'),
      archivo,
    ]);
    return JSON.parse(stdout) as { paginas: number; texto: string };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
