import 'reflect-metadata';
import { runService } from '@iot/common';
import { createGatewayApp } from './bootstrap';
import { loadGatewayConfig } from './config';

runService('gateway', () => loadGatewayConfig(), createGatewayApp);
