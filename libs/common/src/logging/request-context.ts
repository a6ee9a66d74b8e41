import { AsyncLocalStorage } from 'node:async_hooks';

/** The request a piece of work belongs to: every log line written within it carries its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** A client's X-Request-Id is kept when it is a sane token. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
