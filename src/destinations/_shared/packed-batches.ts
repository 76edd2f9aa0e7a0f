import type { BatchStore } from './batch-queue';

/**
 * Compression for sealed batches. `pack` is synchronous on purpose: a tight `track()` loop never
 * yields to asynchronous work, so anything asynchronous would only run once the burst is over,
 * with the whole burst held raw meanwhile.
 */
export interface BatchCodec {
  /** Compresses a batch's UTF-8 bytes (the view is reused afterwards: copy, never keep it). */
  pack(bytes: Uint8Array): Uint8Array;
  /** Back to the batch's text. */
  unpack(bytes: Uint8Array): string;
}

/** Batches smaller than this are not worth compressing. */
const PACK_MIN_BYTES = 1024;
const OPEN_BUFFER_BYTES = 64 * 1024;
const COMMA = 44;

/**
 * A store that keeps sealed batches compressed: a held batch costs its compressed bytes (about a
 * tenth of its JSON), and those are the bytes counted against the queue's bound. The open batch is
 * written as UTF-8 into one reused buffer as messages arrive, so their strings die young (nothing
 * is promoted to V8's old space only to be dropped there) and no large joined string is built.
 */
export function packedBatches(codec: BatchCodec): () => BatchStore {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const text = (data: unknown): string => {
    const { bytes, packed } = data as { bytes: Uint8Array; packed: boolean };
    return packed ? codec.unpack(bytes) : decoder.decode(bytes);
  };

  return () => {
    let buffer: Uint8Array | undefined;
    let used = 0;
    /** Where each of the open batch's payloads ends. */
    let ends: number[] = [];

    return {
      add(payload) {
        const start = used;
        // UTF-8 takes at most three bytes per UTF-16 unit.
        const needed = start + 1 + payload.length * 3;
        if (!buffer || needed > buffer.length) {
          const grown = new Uint8Array(Math.max(OPEN_BUFFER_BYTES, needed, (buffer?.length ?? 0) * 2));
          if (buffer) grown.set(buffer.subarray(0, start));
          buffer = grown;
        }
        let at = start;
        if (ends.length > 0) buffer[at++] = COMMA;
        at += encoder.encodeInto(payload, buffer.subarray(at)).written;
        used = at;
        ends.push(at);
        return at - start;
      },
      seal() {
        const raw = buffer!.subarray(0, used);
        let bytes: Uint8Array | undefined;
        if (used >= PACK_MIN_BYTES) {
          try {
            bytes = codec.pack(raw);
          } catch {
            bytes = undefined; // kept uncompressed: nothing is lost
          }
        }
        const packed = bytes !== undefined && bytes.byteLength < raw.byteLength;
        if (!packed) bytes = raw.slice();
        used = 0;
        ends = [];
        // One large message must not pin a large buffer for the queue's lifetime.
        if (buffer!.length > 16 * OPEN_BUFFER_BYTES) buffer = undefined;
        return { data: { bytes, packed }, bytes: bytes!.byteLength };
      },
      takeOpen() {
        const out: string[] = [];
        let start = 0;
        for (const end of ends) {
          out.push(decoder.decode(buffer!.subarray(start, end)));
          start = end + 1;
        }
        used = 0;
        ends = [];
        return out;
      },
      text,
      // Payloads are JSON texts, so parsing and serializing again gives each one back as it was.
      payloads: (data) => (JSON.parse(`[${text(data)}]`) as unknown[]).map((value) => JSON.stringify(value)),
    };
  };
}
