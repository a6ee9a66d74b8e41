import { MigrationInterface } from 'typeorm';
import { CreateFacturacion1733184000000 } from './1733184000000-CreateFacturacion';

export const migrations: Array<new () => MigrationInterface> = [CreateFacturacion1733184000000];
