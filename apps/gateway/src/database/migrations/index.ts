import { MigrationInterface } from 'typeorm';
import { CreateApiKey1733356800000 } from './1733356800000-CreateApiKey';

export const migrations: Array<new () => MigrationInterface> = [CreateApiKey1733356800000];
