import { createHmac, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the value of `X-Trackplan-Signature`. */
export function signWebhookBody(body: string, secret: string, unixSeconds: number = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/**
 * For receivers: `true` when `header` is a valid signature of `body` with `secret`, made within
 * `toleranceS` seconds of now (either way). Constant-time compare; never throws.
 */
export function verifyWebhookSignature(body: string, header: string | null | undefined, secret: string, toleranceS = 300): boolean {
  try {
    if (typeof header !== 'string' || typeof body !== 'string' || !secret) return false;
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
