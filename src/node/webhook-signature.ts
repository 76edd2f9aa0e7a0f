import { createHmac, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the value of `X-Trackplan-Signature`. */
export function signWebhookBody(body: string, secret: string, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/** Room for dozens of `v1=` signatures (secret rotation); anything longer is not a signature. */
const MAX_HEADER_LENGTH = 8 * 1024;

/**
 * For receivers: `true` when `header` is a valid signature of `body` with `secret`, made within
 * `toleranceS` seconds of now (either way). Constant-time compare; never throws. A header longer than
 * 8 KB is refused before any parsing: a real one is under 100 characters per signature.
 */
export function verifyWebhookSignature(body: string, header: string | null | undefined, secret: string, toleranceS = 300): boolean {
  try {
    if (typeof header !== 'string' || typeof body !== 'string' || !secret) return false;
    // Splitting and matching a header of megabytes costs seconds per request: refuse it unread.
    if (header.length > MAX_HEADER_LENGTH) return false;
    let timestamp: number | undefined;
    const signatures: string[] = [];
    for (const part of header.split(',')) {
      const [key, value] = part.trim().split('=', 2);
      if (key === 't' && /^\d{1,12}$/.test(value ?? '')) timestamp = Number(value);
      else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) signatures.push(value);
    }
    if (timestamp === undefined || signatures.length === 0) return false;
    if (Math.abs(Math.floor(Date.now() / 1000) - timestamp) > toleranceS) return false;
    const expected = Buffer.from(signWebhookBody(body, secret, timestamp).slice(-64), 'hex');
    return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  } catch {
    return false;
  }
}
