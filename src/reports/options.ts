import { TrackplanConfigError } from '../core/errors';
import type { TimeInput } from './range';

/** The options every funnel and metric call takes. */
export interface ReportOptions {
  /** Start of the range (inclusive): step 1 / the cohort's start event must fall in `[from, to]`. */
  from: TimeInput;
  /** End of the range (inclusive). */
  to: TimeInput;
  /** Scope every event the query reads to this tenant (`organization_id`). */
  organizationId?: string;
  /** The outbox table, optionally schema-qualified. @default 'domain_event' */
  table?: string;
}

export function checkReportOptions(fn: string, options: ReportOptions | undefined): ReportOptions {
  if (!options || typeof options !== 'object') throw new TrackplanConfigError(`[trackplan] [reports] ${fn}() needs options: { from, to, organizationId?, table? }.`);
  if (options.from === undefined || options.to === undefined) throw new TrackplanConfigError(`[trackplan] [reports] ${fn}() needs both from and to.`);
  if (options.organizationId !== undefined && (typeof options.organizationId !== 'string' || options.organizationId === ''))
    throw new TrackplanConfigError(`[trackplan] [reports] ${fn}(): organizationId must be a non-empty string (got ${JSON.stringify(options.organizationId)}).`);
  return options;
}
