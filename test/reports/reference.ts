/**
 * An independent brute-force implementation of the funnel and metric semantics, in plain
 * TypeScript over rows in memory: what the SQL must agree with on generated data.
 */
import type { EventRef } from '../../src/core/event-ref';
import type { FunnelSpec } from '../../src/core/funnels';
import type { MetricSpec } from '../../src/core/metrics';

export interface Row { id: number; event: string; t: number; user: string | null; org: string | null; props: Record<string, unknown> }

const byTime = (a: Row, b: Row) => a.t - b.t || a.id - b.id;
const matches = (row: Row, ref: EventRef) => row.event === ref.event && Object.entries(ref.where ?? {}).every(([k, v]) => k in row.props && row.props[k] === v);

function unitsOf(rows: Row[], by: 'user' | 'organization', org?: string): Map<string, Row[]> {
  const units = new Map<string, Row[]>();
  for (const row of [...rows].sort(byTime)) {
    if (org !== undefined && row.org !== org) continue;
    const unit = by === 'user' ? row.user : row.org;
    if (unit === null) continue;
    (units.get(unit) ?? units.set(unit, []).get(unit)!).push(row);
  }
  return units;
}

/** percentile_cont: linear interpolation between the closest ranks. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

export function referenceFunnel(rows: Row[], spec: FunnelSpec, o: { from: number; to: number; org?: string }) {
  const n = spec.steps.length;
  const winners: Row[][] = [];
  for (const events of unitsOf(rows, spec.by, o.org).values()) {
    let best: Row[] | undefined;
    events.forEach((first, index) => {
      if (!matches(first, spec.steps[0]) || first.t < o.from || first.t > o.to) return;
      const path = [first];
      let at = index;
      for (let k = 1; k < n; k++) {
        let found = -1;
        if (spec.order === 'strict') {
          const next = events[at + 1];
          if (next && matches(next, spec.steps[k]) && next.t - first.t <= spec.windowSeconds * 1000) found = at + 1;
        } else {
          for (let j = at + 1; j < events.length && events[j].t - first.t <= spec.windowSeconds * 1000; j++)
            if (matches(events[j], spec.steps[k])) {
              found = j;
              break;
            }
        }
        if (found < 0) break;
        path.push(events[found]);
        at = found;
      }
      if (!best || better(path, best)) best = path;
    });
    if (best) winners.push(best);
  }
  const steps = spec.steps.map((step, i) => {
    const reached = winners.filter((p) => p.length > i);
    const secs = i === 0 ? [] : reached.map((p) => (p[i].t - p[i - 1].t) / 1000);
    return { event: step.event, count: reached.length, medianSeconds: i === 0 ? null : percentile(secs, 0.5), p75Seconds: i === 0 ? null : percentile(secs, 0.75), meanSeconds: i === 0 ? null : mean(secs) };
  });
  const totals = winners.filter((p) => p.length === n).map((p) => (p[n - 1].t - p[0].t) / 1000);
  return { counts: steps.map((s) => s.count), steps, totalMedianSeconds: percentile(totals, 0.5), totalP75Seconds: percentile(totals, 0.75) };
}

/** Furthest step first, then the last step reached earliest, then the latest entry. */
function better(a: Row[], b: Row[]): boolean {
  if (a.length !== b.length) return a.length > b.length;
  const la = a[a.length - 1];
  const lb = b[b.length - 1];
  if (la.t !== lb.t) return la.t < lb.t;
  if (la.id !== lb.id) return la.id < lb.id;
  return a[0].t !== b[0].t ? a[0].t > b[0].t : a[0].id > b[0].id;
}

export function referenceMetric(rows: Row[], spec: MetricSpec, o: { from: number; to: number; org?: string; now: number }) {
  const units = unitsOf(rows, spec.by, o.org);
  if (spec.kind === 'revenue') {
    const revenue: Record<string, number> = {};
    const payers = new Set<string>();
    let events = 0;
    for (const row of rows) {
      if (o.org !== undefined && row.org !== o.org) continue;
      const mapping = spec.events.find((e) => e.event === row.event);
      if (!mapping || row.t < o.from || row.t > o.to || typeof row.props[mapping.amount] !== 'number') continue;
      const currency = mapping.currency && typeof row.props[mapping.currency] === 'string' ? String(row.props[mapping.currency]).toUpperCase() : 'XXX';
      revenue[currency] = (revenue[currency] ?? 0) + (row.props[mapping.amount] as number);
      events++;
      const unit = spec.by === 'user' ? row.user : row.org;
      if (unit !== null) payers.add(unit);
    }
    return { revenue, reached: events, cohort: payers.size };
  }
  let cohort = 0;
  let reached = 0;
  const secs: number[] = [];
  for (const events of units.values()) {
    const startRef = spec.kind === 'retention' ? spec.start : spec.from;
    const startIndex = events.findIndex((r) => matches(r, startRef));
    if (startIndex < 0) continue;
    const start = events[startIndex];
    const after = events.slice(startIndex + 1);
    if (spec.kind === 'time_to_first' || spec.kind === 'time_to_nth') {
      if (start.t < o.from || start.t > o.to) continue;
      cohort++;
      const n = spec.kind === 'time_to_nth' ? spec.n : 1;
      const hits = after.filter((r) => matches(r, spec.event) && (spec.withinSeconds === null || r.t - start.t <= spec.withinSeconds * 1000));
      if (hits.length >= n) {
        reached++;
        secs.push((hits[n - 1].t - start.t) / 1000);
      }
    } else if (spec.kind === 'activation') {
      const w = spec.withinSeconds * 1000;
      if (start.t < o.from || start.t > o.to || start.t + w > o.now) continue;
      cohort++;
      const firsts = spec.all.map((ref) => after.find((r) => matches(r, ref) && r.t - start.t <= w));
      if (firsts.every(Boolean)) {
        reached++;
        secs.push((Math.max(...firsts.map((r) => r!.t)) - start.t) / 1000);
      }
    } else {
      const P = spec.periodSeconds * 1000;
      const returned = (p0: number) => events.some((r) => matches(r, spec.return) && r.t >= p0 + P && r.t < p0 + 2 * P);
      const entries = new Set<number>();
      if (spec.mode === 'first_time') {
        if (start.t >= o.from && start.t <= o.to) entries.add(start.t);
      } else {
        for (const r of events) if (matches(r, spec.start) && r.t >= o.from && r.t <= o.to) entries.add(start.t + Math.floor((r.t - start.t) / P) * P);
      }
      for (const p0 of entries) {
        if (p0 + 2 * P > o.now) continue;
        cohort++;
        if (returned(p0)) reached++;
      }
    }
  }
  return { cohort, reached, value: cohort === 0 ? 0 : reached / cohort, medianSeconds: percentile(secs, 0.5), p75Seconds: percentile(secs, 0.75), meanSeconds: mean(secs) };
}
