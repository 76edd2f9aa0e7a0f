import type { FunnelSpec } from '../core/funnels';

/** A funnel step as the overview shows it (the shape `funnel()` returns). */
export interface OverviewFunnelStep {
  event: string;
  count: number;
  conversion: number;
  conversionFromPrevious: number;
  medianSeconds: number | null;
  p75Seconds: number | null;
  meanSeconds: number | null;
}

export interface OverviewFunnel {
  name: string;
  steps: OverviewFunnelStep[];
  totalMedianSeconds: number | null;
  totalP75Seconds: number | null;
}

/** The overview's funnel part: `funnel()` for the same range and tenant. */
export async function funnelForOverview(_db: unknown, spec: FunnelSpec, _options: { from: Date; to: Date; organizationId?: string; table?: string }): Promise<OverviewFunnel> {
  // Wired to funnel() when it lands (h-funnels).
  return { name: spec.name, steps: [], totalMedianSeconds: null, totalP75Seconds: null };
}
