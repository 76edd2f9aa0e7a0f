import type { Envelope, JsonValue } from '../../core/types';

/**
 * The envelope a webhook receives: BatchTrack's field names, every field present (`null` when
 * unknown), nothing more: the queue is bounded by these bytes, so every field costs capacity.
 */
export interface WebhookEnvelope {
  uuid: string;
  event_name: string;
  occurred_at: string;
  organization_id: string | null;
  /** Every group the event belongs to, by group type (`{ organization: 'org_9', project: 'p_1' }`); `{}` when none. */
  groups: Record<string, string>;
  user_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  correlation_id: string | null;
  source: string | null;
  schema_version: number;
  properties: Record<string, JsonValue>;
  /** Flag values the code branched on (`track(…, { flags })`); present only on such events. */
  flags?: Record<string, string | boolean>;
  /** Payloads of flags marked `attachPayload: true`, guarded like properties; present only when any. */
  flag_payloads?: Record<string, JsonValue>;
}

/** `organization_id` is the `organization` group's key, else an `organization_id` property. */
export function organizationIdOf(envelope: Envelope): string | null {
  const fromGroup = envelope.groups.organization;
  if (typeof fromGroup === 'string' && fromGroup !== '') return fromGroup;
  const fromProperty = envelope.properties.organization_id;
  return typeof fromProperty === 'string' || typeof fromProperty === 'number' ? String(fromProperty) : null;
}

export function toWebhookEnvelope(envelope: Envelope): WebhookEnvelope {
  const out: WebhookEnvelope = {
    uuid: envelope.uuid,
    event_name: envelope.event,
    occurred_at: envelope.timestamp,
    organization_id: organizationIdOf(envelope),
    groups: envelope.groups,
    user_id: envelope.distinct_id,
    entity_type: envelope.entity?.type ?? null,
    entity_id: envelope.entity?.id ?? null,
    correlation_id: envelope.correlation_id,
    source: envelope.source,
    schema_version: envelope.schema_version,
    properties: envelope.properties,
  };
  // Only events tracked with a flag snapshot pay for these fields: the queue is bounded by bytes.
  if (envelope.flags) out.flags = envelope.flags;
  if (envelope.flag_payloads) out.flag_payloads = envelope.flag_payloads;
  return out;
}
