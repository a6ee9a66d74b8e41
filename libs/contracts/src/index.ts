export * from './identifier';
export * from './lectura';
