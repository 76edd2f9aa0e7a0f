/**
 * Reads the distinct id posthog-js stores in its cookie (`ph_<apiKey>_posthog`), so server events
 * join the browser's person. Returns `undefined` when the cookie is missing or unreadable.
 */
export function distinctIdFromCookie(cookieHeader: string | null | undefined, apiKey: string): string | undefined {
  if (!cookieHeader || !apiKey) return undefined;
  const name = `ph_${apiKey}_posthog`;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      const parsed = JSON.parse(decodeURIComponent(part.slice(eq + 1).trim())) as { distinct_id?: unknown };
      return typeof parsed.distinct_id === 'string' && parsed.distinct_id !== '' ? parsed.distinct_id : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
