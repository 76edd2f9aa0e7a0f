import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** A request body, compressed or decompressed, past the receiver's limit: answered 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`[trackplan] [inspector] the request body is larger than ${limit} bytes (compressed or decompressed); raise the limit with maxBodyBytes (CLI: --body-limit-mb)`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body of at most `limit` bytes. A `content-length` past the limit is refused before
 * any byte is read; a body without one is refused as soon as it passes the limit, and what was read is
 * let go. Either way the caller answers 413 and keeps none of it.
 */
export function readBoundedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) return reject(new BodyTooLargeError(limit));
    let chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        chunks = [];
        req.off('data', onData);
        req.pause();
        return reject(new BodyTooLargeError(limit));
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (length <= limit) resolve(Buffer.concat(chunks, length));
    });
    req.once('error', reject);
  });
}

/** gunzip that stops once the output passes `limit`, so a small gzip bomb costs at most `limit` bytes. */
export function gunzipBounded(bytes: Uint8Array, limit = Infinity): Buffer {
  if (!Number.isFinite(limit)) return gunzipSync(bytes);
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, limit) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(limit);
    throw error;
  }
}
