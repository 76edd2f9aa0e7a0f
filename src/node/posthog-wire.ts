import { gunzipBounded } from './body-limit';

/**
 * Decodes what PostHog clients send: gzip detected by its magic bytes (posthog-js sends gzip as
 * text/plain without a header), base64 form bodies (`data=<base64>`), plain JSON; a `{ batch }`
 * object, an array, or one event. Returns the events; throws on a body it cannot read, and
 * `BodyTooLargeError` when gzip would inflate past `maxBytes` (decompression stops there).
 */
export function decodePostHogBody(body: Uint8Array, contentType?: string, url?: string, maxBytes = Infinity): Record<string, unknown>[] {
  let bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipBounded(bytes, maxBytes);
  let text = bytes.toString('utf8');
  const isForm = contentType?.includes('application/x-www-form-urlencoded') || /^data=/.test(text);
  if (isForm) {
    const data = new URLSearchParams(text).get('data') ?? '';
    const decoded = Buffer.from(data, 'base64');
    text = (decoded[0] === 0x1f && decoded[1] === 0x8b ? gunzipBounded(decoded, maxBytes) : decoded).toString('utf8');
  } else if (url?.includes('compression=base64') || /^[A-Za-z0-9+/=]+$/.test(text.trim())) {
    text = Buffer.from(text, 'base64').toString('utf8');
  }
  const parsed = JSON.parse(text) as unknown;
  if (Array.isArray(parsed)) return parsed as Record<string, unknown>[];
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { batch?: unknown }).batch)) return (parsed as { batch: Record<string, unknown>[] }).batch;
  return [parsed as Record<string, unknown>];
}
