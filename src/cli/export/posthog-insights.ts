import { resolve } from 'node:path';
import { parseArgs, UsageError, type Io } from '../args';
import { assertWritable, GENERATED_MARK, readIfPresent, shownPath, writeGeneratedFile } from '../generated-files';
import { loadCatalog, type LoadedCatalog } from '../load-catalog';
import { organizationGroupIndex, PushError, pushInsights, pushOrigin, type PushTarget } from './posthog-push';
import type { FunnelSpec } from '../../core/funnels';
import type { MetricSpec } from '../../core/metrics';
import { funnelInsight, metricInsight, movingAverage, type ExportOptions, type Exported } from './posthog-query';

export const POSTHOG_INSIGHTS_HELP = `trackplan export posthog-insights <catalog.ts> [--out <dir>] [--force]
    [--organization-group-index <0-4>] [--date-from <-30d>] [--moving-average <days>]
    [--push --host <url> --project <id>]

Writes each declared funnel as a PostHog insight (InsightVizNode + FunnelsQuery: steps with their
property filters, conversion window, order, organization aggregation) and each metric as the
insight that computes it (revenue: TrendsQuery; retention: RetentionQuery; time to first/nth use:
a time-to-convert FunnelsQuery; activation: a FunnelsQuery), one JSON file each plus index.json,
into --out (default posthog-insights/<catalog name>/).
Organization funnels aggregate by the index PostHog gave the "organization" group type in the
project: --push asks the project (GET groups_types, scope group:read); without --push, or to
override, pass --organization-group-index (default 0).
--moving-average <days> adds a smoothed copy (trendsFilter.smoothingIntervals) of each trend.
--push upserts every insight by name into the project: an insight with the same name is updated
(PATCH), otherwise one is created (POST /api/projects/<id>/insights/). The personal API key is read
from the POSTHOG_PERSONAL_API_KEY environment variable (scopes insight:read, insight:write, and group:read for organization funnels), never
from the command line. Exit 1 when PostHog refuses an insight.`;

function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return parsed;
}

/** Every funnel and metric of the catalog as PostHog insights (or the reason a metric has none). */
export function exportInsights(catalog: LoadedCatalog, options: Omit<ExportOptions, 'catalogName'> & { movingAverageDays?: number }): Exported[] {
  const full: ExportOptions = { ...options, catalogName: catalog.name };
  // A catalog module built against an older trackplan has no funnels/metrics: nothing to export.
  const funnels: Record<string, FunnelSpec> = catalog.funnels ?? {};
  const metrics: Record<string, MetricSpec> = catalog.metrics ?? {};
  const out: Exported[] = Object.entries(funnels).map(([key, funnel]) => funnelInsight(key, funnel, full));
  for (const [key, metric] of Object.entries(metrics)) {
    const exported = metricInsight(key, metric, full);
    out.push(exported);
    const smoothed = options.movingAverageDays ? movingAverage(exported, options.movingAverageDays, full) : undefined;
    if (smoothed) out.push(smoothed);
  }
  return withUniqueNames(out);
}

/**
 * Insights are upserted by name, so names must be unique: a metric named like a funnel gets
 * " (metric)"; any other clash is refused rather than one insight overwriting the other.
 */
function withUniqueNames(exported: Exported[]): Exported[] {
  const funnelNames = new Set(exported.flatMap((e) => ('insight' in e && e.type === 'funnel' ? [e.insight.name] : [])));
  const seen = new Map<string, string>();
  for (const e of exported) {
    if (!('insight' in e)) continue;
    if (e.type === 'metric' && funnelNames.has(e.insight.name)) e.insight.name = `${e.insight.name} (metric)`;
    const other = seen.get(e.insight.name);
    if (other) throw new Error(`[trackplan] [export] ${other} and ${e.type} "${e.key}" would both be the insight "${e.insight.name}" (insights are upserted by name); rename one of them in the catalog.`);
    seen.set(e.insight.name, `${e.type} "${e.key}"`);
  }
  return exported;
}

/** Whether any funnel or metric counts organizations (and so needs the organization group index). */
function usesOrganization(catalog: LoadedCatalog): boolean {
  const specs: { by: string }[] = [...Object.values(catalog.funnels ?? {}), ...Object.values(catalog.metrics ?? {})];
  return specs.some((spec) => spec.by === 'organization');
}

const fileOf = (e: Exported) => `${e.type}.${e.key}.json`;

export async function posthogInsightsCommand(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { positionals, flags, switches } = parseArgs(argv, { flags: ['out', 'host', 'project', 'organization-group-index', 'date-from', 'moving-average'], switches: ['push', 'force'] });
  if (positionals.length !== 1) throw new UsageError('posthog-insights needs exactly one <catalog>');
  const push = switches.has('push');
  if (!push && (flags.host || flags.project)) throw new UsageError('--host and --project go with --push');
  if (push && (!flags.host || !flags.project)) throw new UsageError('--push needs --host <url> and --project <id>');
  if (push && !/^[A-Za-z0-9_-]+$/.test(flags.project)) throw new UsageError(`--project must be PostHog's project id, e.g. 12345 (got ${JSON.stringify(flags.project)})`);
  if (push) {
    try {
      pushOrigin(flags.host);
    } catch (error) {
      throw new UsageError((error as Error).message.replace('[trackplan] [export] ', ''));
    }
  }
  const apiKey = env.POSTHOG_PERSONAL_API_KEY?.trim();
  if (push && !apiKey) throw new UsageError('--push reads the personal API key from the POSTHOG_PERSONAL_API_KEY environment variable, which is not set (create one in PostHog under Settings > Personal API keys, scopes insight:read and insight:write)');
  const dateFrom = flags['date-from'] ?? '-30d';
  if (!/^-\d+[hdwmqy]$|^\d{4}-\d{2}-\d{2}/.test(dateFrom)) throw new UsageError(`--date-from must be a PostHog relative date such as -30d, or a YYYY-MM-DD date (got ${JSON.stringify(dateFrom)})`);

  const catalog = await loadCatalog(positionals[0], io.cwd);
  const target: PushTarget | undefined = push ? { host: flags.host, project: flags.project, apiKey: apiKey! } : undefined;
  const options = {
    organizationGroupIndex: intFlag('organization-group-index', flags['organization-group-index'], 0, 0, 4),
    dateFrom,
    movingAverageDays: flags['moving-average'] === undefined ? undefined : intFlag('moving-average', flags['moving-average'], 7, 2, 90),
  };
  try {
    // Pushing without an explicit index: ask the project which index its organization group has.
    if (target && flags['organization-group-index'] === undefined && usesOrganization(catalog)) options.organizationGroupIndex = await organizationGroupIndex(target);
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
    io.err(error.message);
    return 1;
  }
  const exported = exportInsights(catalog, options);
  if (!exported.length) {
    io.err(`${positionals[0]}: the catalog declares no funnels or metrics; add them with defineFunnel() / timeToFirst()… in defineCatalog({ funnels, metrics })`);
    return 1;
  }

  const outDir = resolve(io.cwd, flags.out ?? `posthog-insights/${catalog.name}`);
  const mapped = exported.filter((e): e is Extract<Exported, { insight: unknown }> => 'insight' in e);
  const unmapped = exported.filter((e): e is Extract<Exported, { unmapped: string }> => 'unmapped' in e);
  const files = new Map<string, string>();
  for (const e of mapped) files.set(resolve(outDir, fileOf(e)), `${JSON.stringify({ $comment: `${GENERATED_MARK} export posthog-insights from ${catalog.name}: the body of POST /api/projects/:id/insights/ (without this $comment).`, ...e.insight }, null, 2)}\n`);
  const index = {
    $comment: `${GENERATED_MARK} export posthog-insights from ${catalog.name}.`,
    catalog: catalog.name,
    insights: mapped.map((e) => ({ key: e.key, type: e.type, kind: e.kind, name: e.insight.name, file: fileOf(e), query: e.insight.query.source.kind, notes: e.notes })),
    unmapped: unmapped.map((e) => ({ key: e.key, kind: e.kind, reason: e.unmapped })),
  };
  files.set(resolve(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  const changed = new Set([...files].filter(([path, text]) => readIfPresent(path) !== text).map(([path]) => path));
  assertWritable([...files.keys()], changed, switches.has('force'), (path) => shownPath(io.cwd, path));
  for (const path of changed) writeGeneratedFile(path, files.get(path)!);
  io.out(`wrote ${mapped.length} insight(s) and index.json to ${shownPath(io.cwd, outDir)}${changed.size < files.size ? ` (${files.size - changed.size} unchanged)` : ''}`);
  for (const e of unmapped) io.err(`${positionals[0]}: metric "${e.key}" (${e.kind}) is not exported: ${e.unmapped}`);

  if (!push) return 0;
  try {
    const results = await pushInsights(target!, mapped.map((e) => e.insight), (line) => io.err(line));
    for (const r of results) io.out(`${r.action} ${JSON.stringify(r.name)} (insight ${r.id})`);
    io.out(`pushed ${results.length} insight(s) to project ${flags.project} on ${new URL(flags.host).origin}`);
    return 0;
  } catch (error) {
    if (error instanceof PushError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
