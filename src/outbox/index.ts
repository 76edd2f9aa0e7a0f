export { createOutbox, type Outbox, type OutboxOptions, type OutboxRowStats, type RecordResult } from './outbox';
export { createDispatcher, type Dispatcher, type DispatcherOptions, type DispatchResult, type OutboxViolation } from './dispatcher';
export { outboxMigrationSql } from './schema-sql';
// Kept public: one transaction API over pg and PGlite (the demo records inside `toSqlDatabase(db).transaction(…)`).
export { toSqlDatabase, type SqlClient, type SqlDatabase } from './sql';
export type { TrackerStats, Violation } from '../core/types';
