import { afterFailure } from './failover';

const error = (code: string) => Object.assign(new Error(code), { code });

describe('afterFailure (the proxy failover choice)', () => {
  it.each(['POST', 'PATCH', 'GET', 'DELETE'])(
    'moves a %s on to the next instance when the connection was refused, body or not',
    (method) => {
      expect(afterFailure('dispositivo', method, true, error('ECONNREFUSED'))).toEqual({
        next: true,
      });
    },
  );

  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])(
    'retries an idempotent %s without a body after any failure',
    (method) => {
      expect(afterFailure('dispositivo', method, false, error('ECONNRESET')).next).toBe(true);
    },
  );

  it('never resends a POST that may have reached the instance: 502 naming the cause', () => {
    expect(afterFailure('dispositivo', 'POST', true, error('ECONNRESET'))).toEqual({
      next: false,
      status: 502,
      reason: 'dispositivo failed: ECONNRESET',
    });
  });

  it('does not resend a PUT with a body either', () => {
    expect(afterFailure('facturacion', 'PUT', true, error('ECONNRESET')).next).toBe(false);
  });

  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])(
    'answers 504 when the instance did not answer in time (%s)',
    (code) => {
      expect(afterFailure('facturacion', 'POST', true, error(code))).toEqual({
        next: false,
        status: 504,
        reason: 'facturacion did not answer in time',
      });
    },
  );
});
