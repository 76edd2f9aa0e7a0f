/**
 * What the dashboard page reads from its server: the report functions' own result types (the
 * handler answers them as JSON). Type-only imports: nothing of the server code reaches the page.
 */
export type { CatalogInfo } from '../reports/catalog-info';
export type { FunnelResult } from '../reports/funnel';
export type { OverviewResult } from '../reports/overview';
export type { ProjectionResult } from '../reports/projection';
export type { TimeseriesResult } from '../reports/timeseries';
