export * from './identifier';
export * from './lectura';
export * from './exportacion';
