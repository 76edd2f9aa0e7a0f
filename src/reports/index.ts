// `trackplan/reports`: funnels, metrics and reports computed on the outbox table (PostgreSQL or PGlite).
export { resolveRange, toDate, MAX_RANGE_DAYS, DEFAULT_RANGE_DAYS, type ReportRange, type ResolvedRange, type TimeInput } from './range';
export { DEFAULT_TABLE, type ReportTableOption } from './db';
export type { FunnelSpec, ReportUnit } from '../core/funnels';
export type { MetricSpec, MetricKind } from '../core/metrics';
export { funnel, type FunnelResult, type FunnelStepResult } from './funnel';
export { metric, NO_CURRENCY, type MetricOptions, type MetricResult } from './metric';
export type { ReportOptions } from './options';
