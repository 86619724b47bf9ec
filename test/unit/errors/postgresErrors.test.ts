import { classifyPostgresError, isConnectionError } from '../../../src/errors/postgresErrors';

const pgError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`sqlstate ${code}`), { code, ...extra });

describe('classifyPostgresError: one reading of SQLSTATEs for the whole project', () => {
  it.each([
    [pgError('23505', { constraint: 'events_stream_version_key' }), { kind: 'unique_violation', constraint: 'events_stream_version_key' }],
    [pgError('25P02'), { kind: 'transaction_aborted' }],
    [pgError('42P04'), { kind: 'already_exists' }],
    [pgError('57P01'), { kind: 'connection_lost' }],
    [pgError('08006'), { kind: 'connection_lost' }],
    [pgError('ECONNREFUSED'), { kind: 'connection_lost' }],
    [new Error('Connection terminated unexpectedly'), { kind: 'connection_lost' }],
    [pgError('22P02'), { kind: 'other' }],
    ['not an error', { kind: 'other' }],
  ])('%s', (error, expected) => {
    expect(classifyPostgresError(error)).toEqual(expected);
  });

  it('isConnectionError is true exactly for a lost connection', () => {
    expect(isConnectionError(pgError('57P03'))).toBe(true);
    expect(isConnectionError(pgError('23505'))).toBe(false);
  });
});
