import 'reflect-metadata';
import { runService } from '@iot/common';
import { createFacturacionApp } from './bootstrap';
import { loadFacturacionConfig } from './config';

runService('facturacion', () => loadFacturacionConfig(), createFacturacionApp);
