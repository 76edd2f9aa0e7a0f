import type { JsonValue, Message, TrackMessage } from '../../core/types';
import { LIBRARY } from '../../core/version';

export type PostHogProperties = Record<string, JsonValue>;

/** An event as PostHog's `/batch/` endpoint takes it. */
export interface PostHogEvent {
  event: string;
  distinct_id: string;
  properties: PostHogProperties;
  timestamp: string;
  uuid: string;
}

/** Envelope fields written beside an event's own properties for PostHog: a property of the same name is overwritten. */
export const ENVELOPE_PROPERTY_KEYS: readonly string[] = ['schema_version', 'source', 'correlation_id', 'entity_type', 'entity_id'];

/**
 * The properties PostHog gets for a tracked event: the event's own, plus the envelope fields that
 * are known, and revenue as `$revenue` (a number) + `currency`.
 */
export function capturePropertiesOf(message: TrackMessage): PostHogProperties {
  const { envelope } = message;
  const properties: PostHogProperties = { ...envelope.properties, schema_version: envelope.schema_version };
  if (envelope.source !== null) properties.source = envelope.source;
  if (envelope.correlation_id !== null) properties.correlation_id = envelope.correlation_id;
  if (envelope.entity) {
    properties.entity_type = envelope.entity.type;
    properties.entity_id = envelope.entity.id;
  }
  if (envelope.revenue) {
    properties.$revenue = envelope.revenue.amount;
    if (envelope.revenue.currency) properties.currency = envelope.revenue.currency;
  }
  // An event without a person: PostHog's own convention for anonymous server events.
  if (envelope.distinct_id === null) properties.$process_person_profile = false;
  if (envelope.flags) addFlagProperties(properties, envelope.flags, envelope.flag_payloads);
  return properties;
}

/**
 * The flag properties posthog-node's `capture({ flags })` adds (`$feature/<key>` for every flag,
 * sorted `$active_feature_flags`), plus posthog-js's `$feature_flag_payloads` for attached payloads.
 */
function addFlagProperties(properties: PostHogProperties, flags: Record<string, string | boolean>, payloads: Record<string, JsonValue> | undefined): void {
  const active: string[] = [];
  for (const key of Object.keys(flags)) {
    properties[`$feature/${key}`] = flags[key];
    if (flags[key] !== false) active.push(key);
  }
  if (active.length) properties.$active_feature_flags = active.sort();
  if (payloads && Object.keys(payloads).length) properties.$feature_flag_payloads = payloads;
}

/** Maps any message to the PostHog wire event, as posthog-node would build it. */
export function toPostHogEvent(message: Message): PostHogEvent {
  const lib = { $lib: LIBRARY.name, $lib_version: LIBRARY.version };
  switch (message.type) {
    case 'track': {
      const { envelope } = message;
      const properties: PostHogProperties = { ...capturePropertiesOf(message), ...lib };
      if (Object.keys(envelope.groups).length) properties.$groups = envelope.groups;
      return { event: envelope.event, distinct_id: envelope.distinct_id ?? envelope.uuid, properties, timestamp: envelope.timestamp, uuid: envelope.uuid };
    }
    case 'identify':
      return {
        event: '$identify',
        distinct_id: message.distinctId,
        properties: { $set: message.set, $set_once: message.setOnce, ...lib },
        timestamp: message.timestamp,
        uuid: message.uuid,
      };
    case 'alias':
      return {
        event: '$create_alias',
        distinct_id: message.distinctId,
        properties: { distinct_id: message.distinctId, alias: message.alias, ...lib },
        timestamp: message.timestamp,
        uuid: message.uuid,
      };
    case 'groupIdentify':
      return {
        event: '$groupidentify',
        distinct_id: message.distinctId ?? `$${message.groupType}_${message.groupKey}`,
        properties: { $group_type: message.groupType, $group_key: message.groupKey, $group_set: message.properties, ...lib },
        timestamp: message.timestamp,
        uuid: message.uuid,
      };
  }
}
