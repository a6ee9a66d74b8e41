import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const raiz = fileURLToPath(new URL('.', import.meta.url));

/** The console, built into dist/consola: the gateway serves it at `/`. */
export default defineConfig({
  root: raiz,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/consola', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // one file for the app, one for uPlot: a page switch never waits for a chunk
    chunkSizeWarningLimit: 250,
  },
  logLevel: 'warn',
});
