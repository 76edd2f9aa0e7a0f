import type { IncomingHttpHeaders } from 'node:http';

/** The Host values a server listening on 127.0.0.1:`port` answers to; a browser leaves port 80 out. */
function loopbackHosts(port: number): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (port === 80) hosts.push('127.0.0.1', 'localhost', '[::1]');
  return hosts;
}

/**
 * Why a request is not for this loopback server (`what`: "inspector", "dashboard"): a Host that is not
 * its own loopback address is a DNS-rebound name. `undefined` when the Host is its own.
 */
export function foreignHostReason(port: number, headers: IncomingHttpHeaders, what: string): string | undefined {
  const host = headers.host?.toLowerCase();
  if (host && loopbackHosts(port).includes(host)) return undefined;
  return `Host ${JSON.stringify(headers.host ?? '')} is not this ${what} (use http://127.0.0.1:${port})`;
}

/** Whether a request's `Origin` is this loopback server's own (or absent: curl, navigation). */
export function isOwnOrigin(port: number, origin: string | undefined): boolean {
  return origin === undefined || loopbackHosts(port).some((own) => `http://${own}` === origin.toLowerCase());
}
