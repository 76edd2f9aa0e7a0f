/** What the dashboard page reads from its server: the shapes of `/api/...` answers it relies on. */

export interface CatalogInfo {
  name: string;
  events: { name: string; description: string; revenue: boolean }[];
  funnels: { name: string; description: string; steps: string[] }[];
  metrics: { name: string; kind: string }[];
  /** Series a projection can follow: revenue metrics first, then event names. */
  series: string[];
  /** Property names the top-values table can group by, the suggested one first. */
  properties: string[];
  /** Revenue amounts are in minor units (cents: every revenue property is named so), so the page divides them by 100. */
  revenueInMinorUnits: boolean;
}

export interface Range { from: string; to: string; clamped: boolean }

export interface FunnelStep {
  event: string;
  count: number;
  conversion: number;
  conversionFromPrevious: number;
  medianSeconds: number | null;
  p75Seconds: number | null;
  meanSeconds: number | null;
}

export interface FunnelResult { range: Range; steps: FunnelStep[]; totalMedianSeconds: number | null; totalP75Seconds: number | null }

export interface TopRow { value: unknown; count: number; revenue: Record<string, number> }

export interface OverviewResult {
  range: Range;
  counts: Record<string, number>;
  revenue: Record<string, number>;
  funnel?: FunnelResult & { name: string };
  top?: { property: string; by: 'revenue' | 'count'; rows: TopRow[] };
}

export interface TimeseriesResult {
  range: Range;
  days: { date: string; counts: Record<string, number>; revenue: Record<string, number> }[];
}

export type ProjectionResult =
  | {
      status: 'ok';
      series: string;
      kind: 'count' | 'revenue';
      windowDays: number;
      horizonDays: number;
      history: { date: string; values: Record<string, number> }[];
      forecast: { date: string; values: Record<string, number> }[];
      average: Record<string, number>;
      horizonTotal: Record<string, number>;
      growthRate: Record<string, number | null>;
    }
  | { status: 'not_enough_data'; series: string; needDays: number; haveDays: number };
