/**
 * The project's Consul stand-in as a process on 0.0.0.0:8500: what
 * docker-compose.ci.yml runs in place of the real agent, which cannot be
 * installed here (CI only; production runs hashicorp/consul).
 */
import { startConsulStandIn } from '../test/support/consul-standin';

startConsulStandIn({ host: '0.0.0.0', port: Number(process.env.CONSUL_PORT ?? 8500) }).then(
  (s) => process.stdout.write(`consul stand-in on ${s.url}\n`),
  (error: unknown) => {
    process.stderr.write(`consul stand-in failed: ${String(error)}\n`);
    process.exit(1);
  },
);
