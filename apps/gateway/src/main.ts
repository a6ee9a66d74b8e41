import 'reflect-metadata';
import { isPrimary, loadConfigOrExit, runService, runWorkers } from '@iot/common';
import { createGatewayApp } from './bootstrap';
import { loadGatewayConfig } from './config';

// one Node.js process proxies on one core: GATEWAY_WORKERS > 1 runs that many on the port
const config = loadConfigOrExit('gateway', () => loadGatewayConfig());
if (config.workers > 1 && isPrimary()) runWorkers('gateway', config.workers);
else runService('gateway', () => config, createGatewayApp);
