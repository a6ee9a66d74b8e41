export * from './identifier';
export * from './lectura';
export * from './exportacion';
export * from './estampa-tiempo';
export * from './caller';
export * from './routes';
export * from './api-key-format';
export * from './topics';
