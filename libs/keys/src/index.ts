export * from './key-cache';
export * from './key-changes';
