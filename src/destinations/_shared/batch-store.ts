// How a batch queue keeps its messages (Node swaps in `packedBatches`).
/**
 * Where a queue keeps its messages. The default keeps the payload strings as they came; Node passes
 * `packedBatches` (gzip), which keeps sealed batches compressed. A store holds one open batch.
 */
export interface BatchStore {
  /** Adds a payload to the open batch; returns the bytes it takes. */
  add(payload: string): number;
  /** Closes the open batch (of `bytes`): what is kept for it, and the bytes that holds. */
  seal(bytes: number): { data: unknown; bytes: number };
  /** The open batch's payloads; empties it. */
  takeOpen(): string[];
  /** A sealed batch's payloads joined by commas. */
  text(data: unknown): string;
  /** A sealed batch's payloads, one string per message. */
  payloads(data: unknown): string[];
}

/** The default store: payload strings as they came. */
export function stringBatches(): BatchStore {
  let open: string[] = [];
  return {
    add: (payload) => (open.push(payload), payload.length),
    seal: (bytes) => ({ data: open.splice(0), bytes }),
    takeOpen: () => open.splice(0),
    text: (data) => (data as string[]).join(','),
    payloads: (data) => data as string[],
  };
}
