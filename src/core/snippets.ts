import type { FlagsBootstrap } from './flags';
import { checkConsent, checkGa4MeasurementId, checkHttpUrl, checkNonce, checkPostHogKey, refuseOption } from './config-rules';

export type ConsentSetting = 'granted' | 'denied' | 'pending';

export interface SnippetOptions {
  posthog?: {
    /** Project API key, `phc_…`. */
    apiKey: string;
    /** Default `https://us.i.posthog.com`. */
    host?: string;
    /** Where `array.js` is loaded from. Default: PostHog's assets host for `*.i.posthog.com`, else `host`. */
    assetHost?: string;
    /** Default `true`. */
    capturePageview?: boolean;
    /** Default `true`. */
    capturePageleave?: boolean;
    /**
     * The server-known person, so browser and server events share one distinct id; or Node's
     * `flags.bootstrap()` (`{ distinctID, featureFlags, featureFlagPayloads }`), so posthog-js starts
     * with the server's flag values too (pass the same object to `createTracker(catalog, { flags: { bootstrap } })`).
     */
    bootstrap?: { distinctId?: string; isIdentified?: boolean } | (FlagsBootstrap & { isIdentifiedID?: boolean });
    /** Any other JSON-serializable `posthog.init` options. */
    options?: Record<string, unknown>;
    /**
     * How long the snippet holds what posthog-js captures (at most 100 events) for trackplan's PII
     * guard, in ms. Default 10000. A tracker created with `posthog: { client: window.posthog }` runs
     * its guard over the held events and sends them; if none comes in time, or the page hides first,
     * they are sent with the query string and fragment removed from every URL field. `0`: no hold.
     */
    guardTimeoutMs?: number;
  };
  ga4?: {
    /** `G-…`. */
    measurementId: string;
    /** Consent mode v2 default. Default `'granted'`; `'pending'` and `'denied'` start with everything denied. */
    consent?: ConsentSetting;
    /** Extra `gtag('config', id, …)` parameters. */
    config?: Record<string, unknown>;
  };
  /** CSP nonce put on every `<script>`. */
  nonce?: string;
}

/** Where the PostHog snippet keeps what it holds for trackplan's guard (read by the browser tracker). */
export const SNIPPET_HOLD_GLOBAL = '__trackplan_posthog';
/** At most this many posthog-js events wait for the guard; beyond it they are dropped and counted. */
export const SNIPPET_HOLD_LIMIT = 100;

/** JSON for a <script> body: nothing in it can close the tag or start a comment. */
export function escapeJsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SCOPE = 'snippets';

function refuse(option: string, expected: string, got: unknown): never {
  return refuseOption(SCOPE, option, expected, got);
}

/** The shared host rule; the snippet keeps origin and path only (no query to break the script URL). */
function checkUrl(value: unknown, option: string): string {
  const url = checkHttpUrl(value, option, SCOPE);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** PostHog's own rule: `us.i.posthog.com` serves scripts from `us-assets.i.posthog.com`. */
function defaultAssetHost(host: string): string {
  return host.replace('.i.posthog.com', '-assets.i.posthog.com');
}

/** One snippet script: an external `src` (loaded async) or an inline `body`. */
export interface SnippetScript {
  src?: string;
  body?: string;
}

/**
 * The checked scripts, shared by `renderSnippets`, `injectSnippets` and `trackplan/next`'s
 * `<TrackplanScripts>` (one React `<script>` each). Throws `TrackplanConfigError` for a bad option.
 */
export function snippetScripts(options: SnippetOptions): { scripts: SnippetScript[]; nonce?: string } {
  if (!options || typeof options !== 'object') refuse('options', 'an object', options);
  const nonce = options.nonce === undefined ? undefined : checkNonce(options.nonce, 'nonce', SCOPE);
  const scripts: SnippetScript[] = [];
  if (options.ga4) {
    const { measurementId, consent = 'granted', config = {} } = options.ga4;
    checkGa4MeasurementId(measurementId, 'ga4.measurementId', SCOPE);
    checkConsent(consent, 'ga4.consent', SCOPE);
    const state = consent === 'granted' ? 'granted' : 'denied';
    const defaults: Record<string, unknown> = { ad_storage: state, analytics_storage: state, ad_user_data: state, ad_personalization: state };
    if (consent === 'pending') defaults.wait_for_update = 500;
    scripts.push({ src: `https://www.googletagmanager.com/gtag/js?id=${encodeURIComponent(measurementId)}` });
    scripts.push({
      body: [
        'window.dataLayer=window.dataLayer||[];',
        'function gtag(){dataLayer.push(arguments);}',
        'window.gtag=window.gtag||gtag;',
        `gtag('consent','default',${escapeJsonForScript(defaults)});`,
        "gtag('js',new Date());",
        `gtag('config',${escapeJsonForScript(measurementId)},${escapeJsonForScript(config)});`,
      ].join(''),
    });
  }
  if (options.posthog) {
    const posthog = options.posthog;
    checkPostHogKey(posthog.apiKey, 'posthog.apiKey', SCOPE);
    const host = checkUrl(posthog.host ?? 'https://us.i.posthog.com', 'posthog.host');
    const assetHost = posthog.assetHost === undefined ? defaultAssetHost(host) : checkUrl(posthog.assetHost, 'posthog.assetHost');
    if (posthog.options !== undefined && (typeof posthog.options !== 'object' || posthog.options === null)) refuse('posthog.options', 'an object of posthog.init options', posthog.options);
    const guardTimeoutMs = posthog.guardTimeoutMs ?? 10_000;
    if (typeof guardTimeoutMs !== 'number' || !(guardTimeoutMs >= 0) || guardTimeoutMs === Infinity) refuse('posthog.guardTimeoutMs', 'a number of milliseconds, 0 or more', posthog.guardTimeoutMs);
    const config: Record<string, unknown> = {
      ...posthog.options,
      api_host: host,
      capture_pageview: posthog.capturePageview ?? true,
      capture_pageleave: posthog.capturePageleave ?? true,
    };
    const bootstrap = posthogBootstrap(posthog.bootstrap);
    if (bootstrap) config.bootstrap = bootstrap;
    scripts.push({
      body:
        posthogHold(Math.round(guardTimeoutMs)) +
        posthogStub(assetHost) +
        `(function(c){c.before_send=window.${SNIPPET_HOLD_GLOBAL}.hold;posthog.init(${escapeJsonForScript(posthog.apiKey)},c);})(${escapeJsonForScript(config)});`,
    });
  }
  return { scripts, nonce };
}

/** posthog-js's `bootstrap` config from either bootstrap shape (escaped later, with the rest of the config). */
function posthogBootstrap(given: NonNullable<SnippetOptions['posthog']>['bootstrap']): Record<string, unknown> | undefined {
  if (!given || typeof given !== 'object') return undefined;
  const person = given as { distinctId?: unknown; isIdentified?: unknown };
  const flags = given as Partial<FlagsBootstrap> & { isIdentifiedID?: unknown };
  const distinctID = person.distinctId ?? flags.distinctID;
  const bootstrap: Record<string, unknown> = {};
  if (distinctID !== undefined) {
    bootstrap.distinctID = String(distinctID);
    bootstrap.isIdentifiedID = (person.isIdentified ?? flags.isIdentifiedID ?? false) === true;
  }
  if (flags.featureFlags && typeof flags.featureFlags === 'object') bootstrap.featureFlags = flags.featureFlags;
  if (flags.featureFlagPayloads && typeof flags.featureFlagPayloads === 'object') bootstrap.featureFlagPayloads = flags.featureFlagPayloads;
  return Object.keys(bootstrap).length ? bootstrap : undefined;
}

/**
 * posthog-js's `before_send` until trackplan's guard attaches: it holds what posthog-js captures
 * (its `$pageview`, autocapture, `$set`…) instead of sending it. `attach(guard)` makes the guard the
 * filter and captures each held event again with its uuid and timestamp; the hold swaps the held
 * original back in, so posthog-js sends it once, as it was captured, after the guard ran on it.
 * If nothing attaches within `timeoutMs`, or the page hides first, a minimal scrub attaches instead:
 * query strings and fragments leave posthog-js's URL fields (posthog-js keeps `utm_*` in their own
 * properties). `$snapshot` (session replay) passes: trackplan's guard leaves it unchanged too.
 */
function posthogHold(timeoutMs: number): string {
  return (
    `(function(w){if(w.${SNIPPET_HOLD_GLOBAL})return;var h=w.${SNIPPET_HOLD_GLOBAL}={held:[],replay:{},dropped:0,guard:null};` +
    `var url=/^\\$.*(url|referrer|pathname|href)$/i;` +
    `function clean(o){if(!o||typeof o!=='object')return;for(var k in o)if(typeof o[k]==='string'&&url.test(k))o[k]=o[k].split(/[?#]/)[0];}` +
    `h.scrub=function(e){if(e){var p=e.properties;clean(p);clean(e.$set);clean(e.$set_once);if(p){clean(p.$set);clean(p.$set_once);}}return e;};` +
    `h.hold=function(e){if(!e)return e;var held=h.replay[e.uuid];if(held){delete h.replay[e.uuid];e=held;}` +
    `if(h.guard)return h.guard(e);if(e.event==='$snapshot')return e;` +
    `if(h.held.length<${SNIPPET_HOLD_LIMIT})h.held.push(e);else h.dropped++;return null;};` +
    `h.attach=function(guard){h.guard=guard;var held=h.held;h.held=[];for(var i=0;i<held.length;i++){var e=held[i];h.replay[e.uuid]=e;` +
    `w.posthog.capture(e.event,{},{uuid:e.uuid,timestamp:e.timestamp,skip_client_rate_limiting:true});}};` +
    `function alone(){if(!h.guard)h.attach(h.scrub);}` +
    (timeoutMs === 0 ? `alone();` : `setTimeout(alone,${timeoutMs});w.addEventListener('pagehide',alone);`) +
    `})(window);`
  );
}

/**
 * PostHog's loader protocol, written out: `window.posthog` is an array whose methods queue calls
 * until `array.js` (loaded from the assets host) replays them; `_i` holds the init arguments.
 */
function posthogStub(assetHost: string): string {
  const methods =
    'capture identify alias group register register_once unregister set_config reset opt_in_capturing opt_out_capturing has_opted_in_capturing has_opted_out_capturing get_distinct_id getFeatureFlag isFeatureEnabled onFeatureFlags reloadFeatureFlags setPersonProperties resetGroups startSessionRecording stopSessionRecording captureException on debug';
  return (
    `(function(d,ph){if(ph.__SV)return;window.posthog=ph;ph._i=[];` +
    `ph.init=function(key,config,name){` +
    `function stub(target,method){target[method]=function(){target.push([method].concat(Array.prototype.slice.call(arguments)));};}` +
    `var s=d.createElement('script');s.type='text/javascript';s.crossOrigin='anonymous';s.async=true;` +
    `s.src=${escapeJsonForScript(`${assetHost}/static/array.js`)};` +
    `var first=d.getElementsByTagName('script')[0];first?first.parentNode.insertBefore(s,first):d.head.appendChild(s);` +
    `var target=ph;if(name!==undefined){target=ph[name]=[];}else{name='posthog';}` +
    `target.people=target.people||[];target.toString=function(short){return 'posthog'+(name!=='posthog'?'.'+name:'')+(short?'':' (stub)');};` +
    `var list=${escapeJsonForScript(methods)}.split(' ');for(var i=0;i<list.length;i++)stub(target,list[i]);` +
    `ph._i.push([key,config,name]);};ph.__SV=1;})(document,window.posthog||[]);`
  );
}

/**
 * The `<script>` tags for a server-rendered layout: the gtag loader with consent defaults first,
 * then the PostHog loader and `posthog.init`. Every value is checked or JSON-escaped, so no option
 * can close the script tag. Pure: returns a string.
 */
export function renderSnippets(options: SnippetOptions): string {
  const { scripts, nonce } = snippetScripts(options);
  const nonceAttribute = nonce ? ` nonce="${escapeAttribute(nonce)}"` : '';
  return scripts
    .map((script) => (script.src ? `<script async src="${escapeAttribute(script.src)}"${nonceAttribute}></script>` : `<script${nonceAttribute}>${script.body}</script>`))
    .join('\n');
}

const INJECTED = 'data-trackplan-snippet';

/** The same scripts, added to a live document at run time. A second call does nothing. */
export function injectSnippets(doc: Document, options: SnippetOptions): void {
  const { scripts, nonce } = snippetScripts(options);
  if (doc.querySelector(`script[${INJECTED}]`)) return;
  for (const script of scripts) {
    const element = doc.createElement('script');
    element.setAttribute(INJECTED, '');
    if (nonce) element.nonce = nonce;
    if (nonce) element.setAttribute('nonce', nonce);
    if (script.src) {
      element.async = true;
      element.src = script.src;
    } else {
      element.text = script.body!;
    }
    (doc.head ?? doc.documentElement).appendChild(element);
  }
}
