/**
 * A server-rendered layout (the Next.js root layout or an Express template; a plain function here,
 * since installing Next.js for an example is too heavy): the PostHog and GA4 snippets with a CSP
 * nonce and the server-known distinct id as bootstrap, so browser and server events share a person.
 */
import { randomBytes } from 'node:crypto';
import { renderSnippets } from 'trackplan';

export function renderLayout(body: string, user: { id: string } | undefined, config: { posthogKey: string; posthogHost: string; gaId: string }) {
  const nonce = randomBytes(16).toString('base64');
  const head = renderSnippets({
    posthog: { apiKey: config.posthogKey, host: config.posthogHost, bootstrap: user ? { distinctId: user.id, isIdentified: true } : undefined },
    ga4: { measurementId: config.gaId, consent: 'pending' },
    nonce,
  });
  const html = `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
  return { html, headers: { 'content-security-policy': `script-src 'nonce-${nonce}' https://www.googletagmanager.com ${config.posthogHost}` } };
}
