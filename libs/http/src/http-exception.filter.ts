import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { createLogger, DomainError, DomainErrorKind, InvalidInputError } from '@iot/common';
import { isTransientDatabaseError } from '@iot/database';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  conflict: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  refused: HttpStatus.UNPROCESSABLE_ENTITY,
};

interface Reply {
  status(code: number): Reply;
  send(body: unknown): unknown;
  /** Fastify's underlying response (absent on express). */
  raw?: { destroyed: boolean };
}

interface ErrorWithStatus {
  statusCode: number;
  message: string;
  code?: string;
}

/** Errors raised by the HTTP stack itself (malformed JSON, body too large). */
function isClientStackError(error: unknown): error is ErrorWithStatus {
  const status = (error as Partial<ErrorWithStatus> | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function errorBody(statusCode: number, message: string, extra: object = {}): object {
  return { statusCode, error: HttpStatus[statusCode] ?? 'Error', message, ...extra };
}

/** Maps every error to a JSON answer; only unexpected ones are logged. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = createLogger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    if (reply.raw?.destroyed) {
      // the client went away mid-response (a streamed export, a proxied body): nothing to
      // answer, and not a server error
      this.logger.debug({ err: exception }, 'client gone before the response ended');
      return;
    }
    const [status, body] = this.describe(exception);
    reply.status(status).send(body);
  }

  private describe(exception: unknown): [number, unknown] {
    if (exception instanceof InvalidInputError) {
      return [400, errorBody(400, exception.message, { errors: exception.errors })];
    }
    if (exception instanceof DomainError) {
      const status = STATUS[exception.kind];
      return [status, errorBody(status, exception.message, exception.details)];
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const status = exception.getStatus();
      return [status, typeof response === 'string' ? errorBody(status, response) : response];
    }
    if (isClientStackError(exception)) {
      return [exception.statusCode, errorBody(exception.statusCode, exception.message)];
    }
    // a database that is down, frozen or restarting: the client may retry, nothing to debug here
    if (isTransientDatabaseError(exception)) {
      return [503, errorBody(503, 'the database is unavailable; retry shortly')];
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return [500, errorBody(500, 'Internal server error')];
  }
}
