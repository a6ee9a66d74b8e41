export * from './config/env';
export * from './config/service-config';
export * from './errors/domain-error';
export * from './logging/logger';
export * from './logging/rate-limited';
export * from './runtime/run-service';
export * from './json/depth';
export * from './runtime/async-resource-bind';
