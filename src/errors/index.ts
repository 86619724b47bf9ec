export { SagaflowError } from './sagaflowError';
export { classifyPostgresError, isConnectionError, type PostgresErrorKind } from './postgresErrors';
