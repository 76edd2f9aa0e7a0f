/**
 * The newest entries, kept as serialised JSON and bounded both by count and by UTF-8 bytes: the
 * oldest go first. The newest entry always stays, so one event larger than `maxBytes` is still shown.
 */
export function boundedJsonLog(maxCount: number, maxBytes: number) {
  const entries: { json: string; bytes: number }[] = [];
  let bytes = 0;
  return {
    push(json: string): void {
      const size = Buffer.byteLength(json, 'utf8');
      entries.push({ json, bytes: size });
      bytes += size;
      while (entries.length > 1 && (entries.length > maxCount || bytes > maxBytes)) bytes -= entries.shift()!.bytes;
    },
    /** The kept entries as one JSON array, oldest first. */
    toJsonArray(): string {
      return `[${entries.map((entry) => entry.json).join(',')}]`;
    },
    get bytes(): number {
      return bytes;
    },
    get length(): number {
      return entries.length;
    },
  };
}
