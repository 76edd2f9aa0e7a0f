import { checkHttpUrl } from '../../core/config-rules';

/** The URL option checked (the shared rule: http(s), no credentials) and normalised (no trailing slash on a bare origin). */
export function assertHttpUrl(value: unknown, option: string, scope?: string): string {
  const url = checkHttpUrl(value, option, scope);
  return url.toString().replace(/\/$/, url.pathname === '/' ? '' : '/');
}
