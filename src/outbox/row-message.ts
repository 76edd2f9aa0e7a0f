import type { Envelope, JsonValue, TrackMessage } from '../core/types';
import { LIBRARY } from '../core/version';
import type { OutboxRow } from './schema-sql';

/** A row turned into a message, or the column that made it impossible and why. */
export type RowConversion =
  | { ok: true; message: TrackMessage }
  | { ok: false; column: string; problem: string };

/**
 * Rebuilds the message from a row: the same uuid, so receivers dedupe a redelivery. Never throws:
 * a row nothing can be sent for (edited by hand, written by another tool) is reported by column.
 * The claim hands jsonb over as text and the time as epoch ms, so every driver is read alike.
 * The revenue is left to the caller, who knows the event's mapping.
 */
export function rowToMessage(row: OutboxRow): RowConversion {
  const properties = parseJsonObject(row.properties);
  if (!properties.ok) return { ok: false, column: 'properties', problem: properties.problem };
  const groups = parseJsonObject(row.groups, { nullIsEmpty: true });
  if (!groups.ok) return { ok: false, column: 'groups', problem: groups.problem };
  // Read through to_jsonb: null on a table made before the column (nothing recorded there had flags).
  const flags = row.flags == null ? { ok: true as const, value: {} } : parseJsonObject(row.flags, { nullIsEmpty: true });
  if (!flags.ok) return { ok: false, column: 'flags', problem: flags.problem };
  const flagValues = Object.entries(flags.value).filter(([, value]) => typeof value === 'string' || typeof value === 'boolean');
  if (flagValues.length !== Object.keys(flags.value).length) return { ok: false, column: 'flags', problem: 'expected flag values (a variant or true/false) by flag key' };
  // 'infinity' (or a time past JavaScript's ±275,760 years) has no ISO timestamp.
  const occurredAt = new Date(Number(row.occurred_at_ms));
  if (!Number.isFinite(occurredAt.getTime()))
    return { ok: false, column: 'occurred_at', problem: `expected a finite point in time, got ${JSON.stringify(row.occurred_at)}` };

  const timestamp = occurredAt.toISOString();
  const envelope: Envelope = {
    uuid: row.uuid,
    event: row.event_name,
    timestamp,
    distinct_id: row.user_id,
    groups: groups.value as Record<string, string>,
    properties: properties.value,
    schema_version: row.schema_version,
    catalog: { name: row.catalog_name, version: row.catalog_version },
    source: row.source,
    correlation_id: row.correlation_id,
    entity: row.entity_type && row.entity_id ? { type: row.entity_type, id: row.entity_id } : null,
    library: LIBRARY,
    revenue: null,
  };
  // As track(…, { flags }) does: only events recorded with flags carry them.
  if (flagValues.length) envelope.flags = Object.fromEntries(flagValues) as Record<string, string | boolean>;
  return { ok: true, message: { type: 'track', uuid: row.uuid, timestamp, source: row.source, library: LIBRARY, envelope } };
}

type Parsed = { ok: true; value: Record<string, JsonValue> } | { ok: false; problem: string };

function parseJsonObject(text: string, options: { nullIsEmpty?: boolean } = {}): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: `is not JSON (${preview(text)})` };
  }
  if (value === null && options.nullIsEmpty) return { ok: true, value: {} };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value: value as Record<string, JsonValue> };
  if (value === null) return { ok: false, problem: 'expected a JSON object, got null' };
  const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return { ok: false, problem: `expected a JSON object, got ${kind} (${preview(text)})` };
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
