import type { ServerResponse } from 'node:http';

/**
 * The newest entries as UTF-8 JSON, bounded both by count and by bytes: the oldest go first. The
 * newest entry always stays, so one event larger than `maxBytes` is still shown. Bytes rather than
 * strings: their size is what they hold, and they go to a socket without another copy.
 */
export function boundedJsonLog(maxCount: number, maxBytes: number) {
  const entries: Buffer[] = [];
  let bytes = 0;
  return {
    push(json: Buffer): void {
      entries.push(json);
      bytes += json.length;
      while (entries.length > 1 && (entries.length > maxCount || bytes > maxBytes)) bytes -= entries.shift()!.length;
    },
    /** The kept entries as one JSON array, oldest first. */
    toJsonArray(): string {
      return `[${entries.map((entry) => entry.toString('utf8')).join(',')}]`;
    },
    /** Sends the kept entries as one JSON array, an entry at a time as the client reads. */
    send(res: ServerResponse): Promise<void> {
      return sendJsonArray(res, [...entries]);
    },
    get bytes(): number {
      return bytes;
    },
  };
}

/** Waits until the response can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function sendJsonArray(res: ServerResponse, entries: Buffer[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  for (let i = 0; i < entries.length; i++) {
    if (res.destroyed) return;
    if (i > 0) res.write(',');
    // A slow reader holds at most the entries of this answer, never copies of them.
    if (!res.write(entries[i])) await drained(res);
  }
  res.end(']');
}
