export * from './lectura';
