import 'reflect-metadata';
import { runService } from '@iot/common';
import { createDispositivoApp } from './bootstrap';
import { loadDispositivoConfig } from './config';

runService('dispositivo', () => loadDispositivoConfig(), createDispositivoApp);
