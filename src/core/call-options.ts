// The caller's per-call options, read defensively, and the timestamps they carry.
import type { FlagsAttachable } from './flags';
import type { EntityRef, Violation } from './types';

/** Per-call options of `track()`. */
export interface TrackCallOptions {
  /** Who did it. Default: the request context's (Node) or the browser's distinct id. */
  distinctId?: string;
  /** Group keys by group type, e.g. `{ organization: 'org_456' }`. */
  groups?: Record<string, string>;
  /** When it happened. Default: now. */
  timestamp?: Date | string | number;
  /** Reuse an id (an outbox row, a retried job) so receivers dedupe. Default: a new UUID. */
  uuid?: string;
  correlationId?: string;
  entity?: EntityRef;
  /**
   * A snapshot from `tracker.flags.evaluate()`: the event carries the values the code branched on
   * (PostHog: `$feature/<key>`; the envelope and webhook: `flags`).
   */
  flags?: FlagsAttachable;
}

export function requireId(value: unknown, event: string, field: string, violations: Violation[]): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 200) return value;
  violations.push({ kind: 'invalid_input', event, message: `${field} must be a non-empty string of at most 200 characters`, path: field, action: 'dropped' });
  return null;
}

// toISOString costs about a microsecond; events in the same millisecond share one string.
let lastMs = Number.NaN;
let lastIso = '';
export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export function toIsoTimestamp(value: TrackCallOptions['timestamp'], ms: number): string {
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? isoAt(ms) : date.toISOString();
}

/** Reads the caller's options defensively: a hostile object must not make track() throw. */
export function safeOptions(options: unknown): TrackCallOptions {
  if (!isRecord(options)) return {};
  try {
    const groups = isRecord(options.groups) ? stringRecord(options.groups) : undefined;
    const entity = isRecord(options.entity) && options.entity.type != null && options.entity.id != null
      ? { type: String(options.entity.type), id: String(options.entity.id) }
      : undefined;
    return {
      distinctId: optionalString(options.distinctId),
      groups,
      timestamp: options.timestamp as TrackCallOptions['timestamp'],
      uuid: optionalString(options.uuid),
      correlationId: optionalString(options.correlationId),
      entity,
      flags: options.flags as FlagsAttachable | undefined,
    };
  } catch {
    return {};
  }
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[key] = String(v);
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
