import { isTransientDatabaseError } from './transient-errors';

const pg = (code: string, severity = 'ERROR') =>
  Object.assign(new Error(`SQLSTATE ${code}`), { code, severity });

describe('isTransientDatabaseError', () => {
  it.each([
    ['08006 connection failure', pg('08006')],
    ['53300 too many connections', pg('53300')],
    ['57P01 admin shutdown', pg('57P01')],
    ['40001 serialization failure', pg('40001')],
    ['40P01 deadlock', pg('40P01')],
    ['57014 statement timeout', pg('57014')],
    ['55000 database not accepting connections (FATAL)', pg('55000', 'FATAL')],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['client-side query timeout', new Error('Query read timeout')],
    ['connection lost', new Error('Connection terminated unexpectedly')],
  ])('retries %s', (_label, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['22023 invalid parameter value', pg('22023')],
    ['23514 check violation', pg('23514')],
    ['42P01 undefined table', pg('42P01')],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'boom'],
  ])('does not retry %s', (_label, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});
