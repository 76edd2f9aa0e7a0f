/** The URL option checked and normalised (no trailing slash on a bare origin); throws a readable error otherwise. */
export function assertHttpUrl(value: unknown, option: string): string {
  try {
    const url = new URL(String(value));
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString().replace(/\/$/, url.pathname === '/' ? '' : '/');
  } catch {
    // fall through to the error
  }
  throw new Error(`[trackplan] ${option} must be an http(s) URL (got ${JSON.stringify(value)})`);
}
