import type { JsonValue } from '../../core/types';

/** One change GA4's rules forced; reported through `onViolation`, never silent. */
export interface Ga4Rewrite {
  path: string;
  rule: 'name_mapped' | 'name_truncated' | 'value_truncated' | 'too_many_params' | 'reserved_name' | 'reserved_prefix' | 'non_scalar';
  detail: string;
}

// GA4's collection limits and reserved names (Google Analytics help: "Collection and configuration limits", "Reserved names").
export const GA4_LIMITS = { eventName: 40, paramName: 40, paramValue: 100, params: 25, userPropertyName: 24, userPropertyValue: 36, userProperties: 25 } as const;
const RESERVED_EVENTS = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_impression', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_background', 'app_clear_data',
  'app_exception', 'app_remove', 'app_store_refund', 'app_store_subscription_cancel', 'app_store_subscription_convert', 'app_store_subscription_renew',
  'app_update', 'app_upgrade', 'dynamic_link_app_open', 'dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'first_open', 'first_visit',
  'in_app_purchase', 'notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive', 'os_update', 'session_start',
  'session_start_with_rollout', 'user_engagement',
]);
const RESERVED_PARAMS = new Set(['firebase_conversion']);
const RESERVED_USER_PROPERTIES = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);
const RESERVED_PREFIXES = ['google_', 'ga_', 'firebase_', 'gtag', '_'];

const reservedPrefix = (name: string) => RESERVED_PREFIXES.find((prefix) => name.toLowerCase().startsWith(prefix));

/** Letters, digits and underscores, starting with a letter: `checkout.start` -> `checkout_start`. */
function mapName(name: string): string {
  let mapped = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(mapped)) mapped = `e_${mapped}`;
  return mapped;
}

/** The event name GA4 gets, or `null` when it is reserved (then it is not sent to GA4). */
export function ga4EventName(name: string): { name: string | null; rewrites: Ga4Rewrite[] } {
  const rewrites: Ga4Rewrite[] = [];
  let mapped = mapName(name);
  if (mapped !== name) rewrites.push({ path: '', rule: 'name_mapped', detail: `event name "${name}" is sent to GA4 as "${mapped}"` });
  if (mapped.length > GA4_LIMITS.eventName) {
    rewrites.push({ path: '', rule: 'name_truncated', detail: `event name "${mapped}" is longer than ${GA4_LIMITS.eventName} characters; cut` });
    mapped = mapped.slice(0, GA4_LIMITS.eventName);
  }
  if (RESERVED_EVENTS.has(mapped.toLowerCase())) return { name: null, rewrites: [...rewrites, { path: '', rule: 'reserved_name', detail: `"${mapped}" is reserved by GA4; not sent to GA4` }] };
  const prefix = reservedPrefix(mapped);
  if (prefix) return { name: null, rewrites: [...rewrites, { path: '', rule: 'reserved_prefix', detail: `"${mapped}" starts with the reserved prefix "${prefix}"; not sent to GA4` }] };
  return { name: mapped, rewrites };
}

type Scalar = string | number | boolean;

function scalarOf(value: JsonValue, path: string, maxLength: number, rewrites: Ga4Rewrite[]): Scalar | undefined {
  if (value === null) return undefined;
  let scalar: Scalar;
  if (typeof value === 'object') {
    // GA4 parameters are scalars: arrays and objects go as their JSON text.
    scalar = JSON.stringify(value);
    rewrites.push({ path, rule: 'non_scalar', detail: `${Array.isArray(value) ? 'an array' : 'an object'} is sent to GA4 as JSON text` });
  } else scalar = value;
  if (typeof scalar === 'string' && scalar.length > maxLength) {
    rewrites.push({ path, rule: 'value_truncated', detail: `a value of ${scalar.length} characters is cut to GA4's ${maxLength}` });
    scalar = scalar.slice(0, maxLength);
  }
  return scalar;
}

function mapParams(
  input: Record<string, JsonValue>,
  limits: { name: number; value: number; count: number },
  reserved: Set<string>,
): { params: Record<string, Scalar>; rewrites: Ga4Rewrite[] } {
  const params: Record<string, Scalar> = {};
  const rewrites: Ga4Rewrite[] = [];
  let count = 0;
  const dropped: string[] = [];
  for (const key of Object.keys(input)) {
    let name = mapName(key);
    if (name !== key) rewrites.push({ path: key, rule: 'name_mapped', detail: `"${key}" is sent to GA4 as "${name}"` });
    if (name.length > limits.name) {
      rewrites.push({ path: key, rule: 'name_truncated', detail: `"${name}" is longer than ${limits.name} characters; cut` });
      name = name.slice(0, limits.name);
    }
    if (reserved.has(name.toLowerCase())) {
      rewrites.push({ path: key, rule: 'reserved_name', detail: `"${name}" is reserved by GA4; not sent` });
      continue;
    }
    const prefix = reservedPrefix(name);
    if (prefix) {
      rewrites.push({ path: key, rule: 'reserved_prefix', detail: `"${name}" starts with the reserved prefix "${prefix}"; not sent` });
      continue;
    }
    const value = scalarOf(input[key], key, limits.value, rewrites);
    if (value === undefined) continue;
    if (count >= limits.count) {
      dropped.push(key);
      continue;
    }
    params[name] = value;
    count++;
  }
  if (dropped.length) rewrites.push({ path: dropped.join(','), rule: 'too_many_params', detail: `GA4 takes ${limits.count}; not sent: ${dropped.join(', ')}` });
  return { params, rewrites };
}

/** Event parameters under GA4's rules: first 25 kept in order, names and values cut, reserved ones removed. */
export function ga4Params(props: Record<string, JsonValue>): { params: Record<string, Scalar>; rewrites: Ga4Rewrite[] } {
  return mapParams(props, { name: GA4_LIMITS.paramName, value: GA4_LIMITS.paramValue, count: GA4_LIMITS.params }, RESERVED_PARAMS);
}

/** Person traits as GA4 user properties: names 24, values 36, at most 25. */
export function ga4UserProperties(traits: Record<string, JsonValue>): { properties: Record<string, Scalar>; rewrites: Ga4Rewrite[] } {
  const { params, rewrites } = mapParams(
    traits,
    { name: GA4_LIMITS.userPropertyName, value: GA4_LIMITS.userPropertyValue, count: GA4_LIMITS.userProperties },
    RESERVED_USER_PROPERTIES,
  );
  return { properties: params, rewrites };
}
