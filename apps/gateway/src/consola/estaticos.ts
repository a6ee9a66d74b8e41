import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '@iot/http';

/** Where `npm run build` writes the console (dist/consola, next to dist/apps). */
export const CONSOLA_DIR = join(__dirname, '..', '..', '..', '..', 'consola');

const TIPOS: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Everything from the gateway's own origin; no inline script; never framed. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface Archivo {
  tipo: string;
  cuerpo: Buffer;
  gzip?: Buffer;
  etag: string;
}

function cargar(dir: string): Map<string, Archivo> {
  const archivos = new Map<string, Archivo>();
  const recorrer = (d: string): void => {
    for (const nombre of readdirSync(d)) {
      const ruta = join(d, nombre);
      if (statSync(ruta).isDirectory()) {
        recorrer(ruta);
        continue;
      }
      const cuerpo = readFileSync(ruta);
      const tipo = TIPOS[extname(nombre)] ?? 'application/octet-stream';
      const comprimible = /^(text|application\/json|image\/svg)/.test(tipo) && cuerpo.length > 512;
      archivos.set(`/${relative(dir, ruta).split('\\').join('/')}`, {
        tipo,
        cuerpo,
        gzip: comprimible ? gzipSync(cuerpo, { level: 9 }) : undefined,
        etag: `"${createHash('sha256').update(cuerpo).digest('base64url').slice(0, 22)}"`,
      });
    }
  };
  if (existsSync(dir)) recorrer(dir);
  return archivos;
}

/**
 * The console at `/`: its files read once at start (a few hundred kB), sent
 * gzipped when the browser takes it; hashed assets cached for a year, the
 * page itself revalidated. Public: the files hold no data (every call they
 * make carries the signed-in key).
 */
export function mountConsola(app: NestFastifyApplication, dir = CONSOLA_DIR): void {
  const fastify = app.getHttpAdapter().getInstance();
  const archivos = cargar(dir);
  const enviar = (ruta: string, request: FastifyRequest, reply: FastifyReply) => {
    const a = archivos.get(ruta);
    if (!a) {
      const sinConstruir = archivos.size === 0;
      return reply
        .code(sinConstruir ? 503 : 404)
        .send(
          errorBody(
            sinConstruir ? 503 : 404,
            sinConstruir ? 'the console is not built: run npm run build' : 'no such file',
          ),
        );
    }
    void reply
      .header('content-type', a.tipo)
      .header('etag', a.etag)
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding')
      .header(
        'cache-control',
        ruta.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (a.tipo.startsWith('text/html')) {
      void reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
    }
    if (request.headers['if-none-match'] === a.etag) return reply.code(304).send();
    const gzip = a.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) void reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? a.gzip : a.cuerpo);
  };
  fastify.get('/', (request, reply) => enviar('/index.html', request, reply));
  fastify.get('/index.html', (request, reply) => enviar('/index.html', request, reply));
  fastify.get('/assets/*', (request, reply) => enviar(request.url.split('?')[0], request, reply));
}
