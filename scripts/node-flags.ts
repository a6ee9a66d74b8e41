/**
 * Node.js flags every app process runs with (npm start, compose, the
 * Dockerfile, the benches). Node 24 grows the young generation to 64 MB
 * semi-spaces under allocation-heavy load: building 1,000 statements took
 * facturacion from 162 MB to 306 MB of RSS, 128 MB of it young-generation
 * garbage. 16 MB semi-spaces: 211 MB at the same speed (5.1 vs 5.2 ms per
 * statement, `npm run bench facturas`).
 */
export const APP_NODE_FLAGS = ['--max-semi-space-size=16'];
