import { MigrationInterface } from 'typeorm';

/** facturacion's tables arrive with the billing-pull issue; the list is already wired. */
export const migrations: Array<new () => MigrationInterface> = [];
