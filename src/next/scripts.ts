// <TrackplanScripts>: a server component rendering the snippets as one React <script> each, so
// hydration compares elements, not an innerHTML string the PostHog loader has changed.
import { createElement, Fragment, type ReactElement } from 'react';
import { headers } from 'next/headers';
import type { Catalog } from '../core/catalog';
import type { FlagsBootstrap } from '../core/flags';
import { snippetScripts, type ConsentSetting, type SnippetOptions } from '../core/snippets';
import { NONCE_HEADER } from './csp';

type PostHogSnippet = NonNullable<SnippetOptions['posthog']>;
type Ga4Snippet = NonNullable<SnippetOptions['ga4']>;

export interface TrackplanScriptsProps<C extends Catalog<any, any, any, any> = Catalog<any, any, any, any>> {
  /** The catalog: only types `bootstrap` here (no code of it reaches the page). */
  catalog?: C;
  /**
   * PostHog's snippet. `capturePageview` defaults to `false` here: `<TrackplanProvider>` tracks
   * `$pageview` on every App Router navigation, the first included.
   */
  posthog?: Omit<PostHogSnippet, 'bootstrap'>;
  ga4?: Omit<Ga4Snippet, 'consent'>;
  /**
   * Default `'granted'`. `'pending'`/`'denied'`: GA4's consent defaults deny everything and
   * posthog-js starts opted out, until the tracker's `setConsent('granted')`.
   */
  consent?: ConsentSetting;
  /** Default: the nonce `trackplanProxy()`/`withTrackplanCsp()` set on the request. */
  nonce?: string;
  /** The server's person and flag values: Node's `(await tracker.flags.evaluate(id)).bootstrap()`, or `{ distinctId }`. */
  bootstrap?: FlagsBootstrap | { distinctId?: string; isIdentified?: boolean };
}

/**
 * The PostHog and GA4 snippets for the root layout's `<head>`. Reads the request's nonce (which
 * makes the page render per request, as a nonce requires). Throws `TrackplanConfigError` for a
 * bad key, id or host, which Next shows as the render error.
 */
export async function TrackplanScripts<C extends Catalog<any, any, any, any>>(props: TrackplanScriptsProps<C>): Promise<ReactElement> {
  const nonce = props.nonce ?? (await headers()).get(NONCE_HEADER) ?? undefined;
  const consent = props.consent ?? 'granted';
  const options: SnippetOptions = { nonce };
  if (props.ga4) options.ga4 = { ...props.ga4, consent };
  if (props.posthog) {
    const extra = consent === 'granted' ? props.posthog.options : { opt_out_capturing_by_default: true, ...props.posthog.options };
    options.posthog = { capturePageview: false, ...props.posthog, options: extra, bootstrap: props.bootstrap };
  }
  const { scripts } = snippetScripts(options);
  return createElement(
    Fragment,
    null,
    scripts.map((script, i) =>
      script.src
        ? createElement('script', { key: i, async: true, src: script.src, nonce })
        : createElement('script', { key: i, nonce, dangerouslySetInnerHTML: { __html: script.body! } }),
    ),
  );
}
