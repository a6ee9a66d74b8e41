export * from './api-keys';
export * from './bootstrap';
export * from './express-auth';
export * from './fastify-auth';
export * from './health.module';
export * from './http-exception.filter';
export * from './public.decorator';
export * from './validation';
