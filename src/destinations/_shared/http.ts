import { parseRetryAfter, type AttemptResult } from './batch-queue';

export { assertHttpUrl } from './url';

/** The fetch shape trackplan needs; `globalThis.fetch` fits, and tests or users can swap it. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | Uint8Array; signal?: AbortSignal; keepalive?: boolean },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** Looked up at call time, so a fetch installed later (polyfill, msw) is used. */
export const defaultFetch: FetchLike = (url, init) => (globalThis.fetch as unknown as FetchLike)(url, init);

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/** One POST with a timeout, classified: delivered, retry (network, timeout, 408, 429, 5xx) or give up (other 4xx). */
export async function postOnce(
  fetchImpl: FetchLike,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  timeoutMs: number,
  shutdown: AbortSignal,
  label: string,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const onShutdown = () => controller.abort();
  shutdown.addEventListener('abort', onShutdown, { once: true });
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  (timer as { unref?: () => void }).unref?.();
  try {
    const response = await fetchImpl(url, { method: 'POST', headers, body, signal: controller.signal });
    await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const error = new Error(`[trackplan] [${label}] ${url} answered HTTP ${response.status}`);
    if (RETRYABLE(response.status)) return { ok: false, retry: true, reason: `http_${response.status}`, error, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    return { ok: false, retry: false, reason: `http_${response.status}`, error };
  } catch (cause) {
    const timedOut = controller.signal.aborted && !shutdown.aborted;
    const error = new Error(`[trackplan] [${label}] ${timedOut ? `no answer from ${url} within ${timeoutMs} ms` : `could not reach ${url}: ${String((cause as Error)?.message ?? cause)}`}`, { cause });
    return { ok: false, retry: true, reason: timedOut ? 'timeout' : 'network_error', error };
  } finally {
    clearTimeout(timer);
    shutdown.removeEventListener('abort', onShutdown);
  }
}
