export * from './database-config';
export * from './databases';
export * from './identifiers';
export * from './transient-errors';
export * from './typeorm-options';
export * from './transactions';
export * from './database.module';
export * from './advisory-lock';
