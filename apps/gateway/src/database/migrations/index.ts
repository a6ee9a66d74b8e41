import { keyStoreMigrations } from '@iot/keys';
import { MigrationInterface } from 'typeorm';

/** The gateway's database holds the key store only. */
export const migrations: Array<new () => MigrationInterface> = [...keyStoreMigrations];
