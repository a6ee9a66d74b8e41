/**
 * A Fastify route that parses a JSON body and echoes it: what the
 * AsyncResource#bind fix is about (Fastify binds once per request with a
 * body). BIND_FIX=1 applies the fix; anything else leaves the runtime's bind.
 */
import Fastify from 'fastify';
import { useFastAsyncResourceBind } from '@iot/common';

if (process.env.BIND_FIX === '1') useFastAsyncResourceBind();
const app = Fastify();
app.post('/echo', (request, reply) => reply.code(201).send(request.body));
void app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
