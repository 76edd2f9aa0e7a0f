export { createOutbox, type Outbox, type OutboxOptions, type OutboxStats } from './outbox';
export { createDispatcher, type Dispatcher, type DispatcherOptions, type DispatchResult, type OutboxViolation } from './dispatcher';
export { toSqlDatabase, type SqlClient, type SqlDatabase } from './sql';
