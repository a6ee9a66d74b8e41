/**
 * Node.js flags every app process runs with (npm start, compose, the
 * Dockerfile, the benches). Measured with `npm run bench facturas` (10,000
 * statements, facturacion's live heap ~40 MB): with Node 24's defaults the
 * young generation grew to 64 MB semi-spaces and the old one far past the
 * live set, 306-380 MB of RSS; 16 MB semi-spaces alone promoted more garbage
 * (341-353 MB). With both flags: 198-203 MB, drafts within the run-to-run
 * noise (4.2-5.8 ms each). Raise --max-old-space-size for a process that
 * really holds more (it fails with "heap out of memory" past it).
 */
export const APP_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];
