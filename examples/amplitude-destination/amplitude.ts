/**
 * Amplitude as a trackplan destination: its HTTP V2 API (`POST /2/httpapi`), built with
 * `createHttpDestination`, so it batches, retries (429, 5xx, network errors, with backoff and
 * Retry-After), bounds its queue by bytes, and counts every event delivered or dropped in `stats()`.
 * Copy this file into your app; it uses nothing from trackplan but its public API.
 */
import { createHttpDestination, type HttpDestinationOptions, type Message, type TrackMessage } from 'trackplan/node';

export interface AmplitudeOptions extends Partial<Omit<HttpDestinationOptions, 'name' | 'url' | 'encode' | 'body' | 'accepts'>> {
  /** Your Amplitude project's API key. */
  apiKey: string;
  /** `https://api.eu.amplitude.com` for EU data residency. Default `https://api2.amplitude.com`. */
  host?: string;
}

/** One trackplan event as an Amplitude event; `insert_id` lets Amplitude drop a retried duplicate (7 days). */
export function toAmplitudeEvent({ envelope }: TrackMessage) {
  return {
    event_type: envelope.event,
    // Amplitude needs a user_id or a device_id: an event about no one is keyed by its own id.
    user_id: envelope.distinct_id ?? undefined,
    device_id: envelope.distinct_id === null ? envelope.uuid : undefined,
    time: Date.parse(envelope.timestamp),
    insert_id: envelope.uuid,
    event_properties: envelope.properties,
  };
}

export function amplitudeDestination({ apiKey, host = 'https://api2.amplitude.com', ...settings }: AmplitudeOptions) {
  if (typeof apiKey !== 'string' || apiKey === '') throw new Error('[amplitude] apiKey is required: your Amplitude project API key');
  return createHttpDestination({
    // HTTP V2 takes up to 2,000 events and under 1 MB per request (413 beyond).
    batchSize: 1000,
    maxBatchBytes: 1_000_000 - 1024,
    ...settings,
    name: 'amplitude',
    url: `${host}/2/httpapi`,
    accepts: ['track'],
    encode: (message: Message) => (message.type === 'track' ? toAmplitudeEvent(message) : undefined),
    body: (events) => `{"api_key":${JSON.stringify(apiKey)},"events":[${events}]}`,
  });
}
