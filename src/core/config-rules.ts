import { TrackplanConfigError } from './errors';
import type { ConsentState } from './types';

/**
 * The configuration rules Node, the browser and the snippets share: one shape per kind of value,
 * and one way to refuse it (a `TrackplanConfigError` naming the option, what it must be and what it got).
 */

/** A PostHog project API key: `phc_` then letters, digits, `_` or `-`. */
export const POSTHOG_PROJECT_KEY = /^phc_[A-Za-z0-9_-]+$/;
/** A GA4 measurement id: `G-` then letters and digits. */
export const GA4_MEASUREMENT_ID = /^G-[A-Za-z0-9]+$/;
/** A CSP nonce: base64 or base64url characters. */
export const CSP_NONCE = /^[A-Za-z0-9+/_=-]+$/;
export const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'pending'];
/** The longest delay a timer takes (2^31 - 1 ms); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** `[scope] option must be …`: where `scope` is the destination or feature (`webhook`, `snippets`), if any. */
export function refuseOption(scope: string | undefined, option: string, expected: string, got: unknown, hint = ''): never {
  throw new TrackplanConfigError(`${scope ? `[${scope}] ` : ''}${option} must be ${expected} (got ${describeValue(got)}).${hint ? ` ${hint}` : ''}`);
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A count (batch size, attempts, concurrency): a whole number of at least 1. */
export function checkPositiveInteger(value: unknown, option: string, scope?: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  return refuseOption(scope, option, 'a positive integer', value);
}

/** A duration in ms that must pass (timeouts, intervals): 1 to 2^31 - 1. */
export function checkPositiveMs(value: unknown, option: string, scope?: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TIMER_MS) return value;
  return refuseOption(scope, option, `a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`, value);
}

/** A delay in ms that may be 0 (retry back-offs, holds): 0 to 2^31 - 1. */
export function checkDelayMs(value: unknown, option: string, scope?: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIMER_MS) return value;
  return refuseOption(scope, option, `a whole number of milliseconds from 0 to ${MAX_TIMER_MS}`, value);
}

/**
 * An http: or https: URL without credentials (fetch refuses a URL with `user:password@`: every
 * request would fail; send credentials in `headers`). Returns the parsed URL.
 */
export function checkHttpUrl(value: unknown, option: string, scope?: string): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    // refused below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return refuseOption(scope, option, 'an http(s) URL', value);
  if (url.username || url.password) {
    // The message must not carry the password into logs.
    url.username = url.password = '***';
    return refuseOption(scope, option, 'an http(s) URL without user:password@', url.href, 'Send credentials in `headers` instead.');
  }
  return url;
}

/** A PostHog project API key (`phc_…`), never a personal API key (`phx_…`). */
export function checkPostHogKey(value: unknown, option: string, scope?: string): string {
  if (typeof value === 'string' && POSTHOG_PROJECT_KEY.test(value)) return value;
  const hint =
    typeof value === 'string' && value.startsWith('phx_')
      ? 'That is a personal API key, which must stay secret: use the project API key from your PostHog project settings.'
      : 'Copy the project API key from your PostHog project settings.';
  return refuseOption(scope, option, 'a PostHog project API key like "phc_…"', typeof value === 'string' && value.startsWith('phx_') ? 'phx_…' : value, hint);
}

/** A GA4 measurement id (`G-…`). */
export function checkGa4MeasurementId(value: unknown, option: string, scope?: string): string {
  if (typeof value === 'string' && GA4_MEASUREMENT_ID.test(value)) return value;
  return refuseOption(scope, option, 'a GA4 measurement id like "G-XXXXXXX"', value);
}

/** A CSP nonce of base64 or base64url characters. */
export function checkNonce(value: unknown, option: string, scope?: string): string {
  if (typeof value === 'string' && CSP_NONCE.test(value)) return value;
  return refuseOption(scope, option, 'base64 or base64url characters', value);
}

export function isConsentState(value: unknown): value is ConsentState {
  return (CONSENT_STATES as readonly unknown[]).includes(value);
}

/** `'granted'`, `'denied'` or `'pending'`. */
export function checkConsent(value: unknown, option: string, scope?: string): ConsentState {
  if (isConsentState(value)) return value;
  return refuseOption(scope, option, "'granted', 'denied' or 'pending'", value);
}

/** The numeric settings of an HTTP destination's queue; each is checked only when given. */
export interface NumericQueueSettings {
  batchSize?: number;
  flushIntervalMs?: number;
  maxQueueBytes?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  concurrency?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * Refuses a queue setting that would break the queue: `concurrency: 0` would never start a
 * request (flush() would wait forever), `batchSize: 0` never seal a batch, a negative back-off
 * would spin. Unset settings take their defaults later.
 */
export function checkQueueSettings(settings: NumericQueueSettings, scope: string): void {
  for (const option of ['batchSize', 'maxQueueBytes', 'maxAttempts', 'concurrency'] as const)
    if (settings[option] !== undefined) checkPositiveInteger(settings[option], option, scope);
  for (const option of ['flushIntervalMs', 'timeoutMs'] as const) if (settings[option] !== undefined) checkPositiveMs(settings[option], option, scope);
  for (const option of ['retryBaseMs', 'retryMaxMs'] as const) if (settings[option] !== undefined) checkDelayMs(settings[option], option, scope);
}
