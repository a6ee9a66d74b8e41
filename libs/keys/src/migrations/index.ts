import { MigrationInterface } from 'typeorm';
import { CreateApiKey1733356800000 } from './1733356800000-CreateApiKey';

/** The key store's schema (`api_key`), in the gateway's database. */
export const keyStoreMigrations: Array<new () => MigrationInterface> = [CreateApiKey1733356800000];
