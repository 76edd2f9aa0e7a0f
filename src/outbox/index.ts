export { createOutbox, type Outbox, type OutboxOptions, type OutboxRowStats, type RecordResult } from './outbox';
export { createDispatcher, type Dispatcher, type DispatcherOptions, type DispatchResult, type OutboxViolation } from './dispatcher';
export { outboxMigrationSql } from './schema-sql';
export { toSqlDatabase, type SqlClient, type SqlDatabase } from './sql';
export type { TrackerStats, Violation } from '../core/types';
