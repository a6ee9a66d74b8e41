export * from './identifier';
export * from './lectura';
export * from './exportacion';
export * from './estampa-tiempo';
export * from './caller';
export * from './routes';
