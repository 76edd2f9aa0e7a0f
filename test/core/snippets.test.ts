// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { injectSnippets, renderSnippets } from '../../src/core/snippets';

const base = { posthog: { apiKey: 'phc_abc123', host: 'https://eu.i.posthog.com' }, ga4: { measurementId: 'G-ABC123' } };

/** The JSON passed to posthog.init, parsed back out of the script text. */
function initConfig(html: string): Record<string, unknown> {
  const match = /posthog\.init\("phc_[^"]+",c\);\}\)\((\{.*\})\);<\/script>/s.exec(html);
  return JSON.parse(match![1]);
}

describe('renderSnippets', () => {
  it('renders the gtag loader with consent defaults first, then the PostHog loader and init', () => {
    const html = renderSnippets({ ...base, ga4: { measurementId: 'G-ABC123', consent: 'pending' }, nonce: 'r4nd0m' });
    expect(html.indexOf("gtag('consent','default'")).toBeLessThan(html.indexOf("gtag('config'"));
    expect(html).toContain('"ad_storage":"denied"');
    expect(html).toContain('"wait_for_update":500');
    expect(html).toContain('src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"');
    expect(html).toContain('https://eu-assets.i.posthog.com/static/array.js');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/nonce="r4nd0m"/g)).toHaveLength(3);
    expect(initConfig(html)).toEqual({ api_host: 'https://eu.i.posthog.com', capture_pageview: true, capture_pageleave: true });
  });

  it('hands the server-known distinct id to posthog-js as bootstrap', () => {
    const html = renderSnippets({ posthog: { ...base.posthog, bootstrap: { distinctId: 'user_123', isIdentified: true } } });
    expect(initConfig(html).bootstrap).toEqual({ distinctID: 'user_123', isIdentifiedID: true });
  });

  it("takes Node's flags.bootstrap() as it is: the server's flag values and payloads reach posthog.init, escaped", () => {
    const hostile = '</script><script>alert(1)</script>';
    const bootstrap = { distinctID: 'user_1', featureFlags: { 'new-onboarding': 'test', 'beta-export': false }, featureFlagPayloads: { 'new-onboarding': { layout: 'wide', note: hostile } } };
    const html = renderSnippets({ posthog: { ...base.posthog, bootstrap } });
    expect(initConfig(html).bootstrap).toEqual({ ...bootstrap, isIdentifiedID: false });
    expect(html).not.toContain(hostile);
    // Without flags, the person-only shape renders as before (no flag fields).
    expect(initConfig(renderSnippets({ posthog: { ...base.posthog, bootstrap: { distinctId: 'u' } } })).bootstrap).toEqual({ distinctID: 'u', isIdentifiedID: false });
  });

  it.each([
    [{ posthog: { apiKey: 'sk_live_x' } }, /posthog\.apiKey/],
    [{ posthog: { apiKey: 'phc_ok', host: 'javascript:alert(1)' } }, /posthog\.host/],
    [{ posthog: { apiKey: 'phc_ok', host: 'https://x.com', assetHost: 'data:text/html,x' } }, /posthog\.assetHost/],
    [{ ga4: { measurementId: 'G-1"><script>' } }, /ga4\.measurementId/],
    [{ ga4: { measurementId: 'UA-1234' } }, /ga4\.measurementId/],
    [{ ga4: { measurementId: 'G-1', consent: 'maybe' } }, /ga4\.consent/],
    [{ nonce: 'abc" onload="x' }, /nonce/],
    [{ posthog: { apiKey: 'phc_ok', guardTimeoutMs: -1 } }, /posthog\.guardTimeoutMs/],
    [{ posthog: { apiKey: 'phc_ok', guardTimeoutMs: '10s' } }, /posthog\.guardTimeoutMs/],
  ])('refuses a value that is not of its shape, naming the option (%#)', (options, message) => {
    expect(() => renderSnippets(options as never)).toThrowError(message);
  });

  it('escapes free values so nothing can close the script tag, and they round-trip exactly', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028\u2029 & "quotes"';
    const html = renderSnippets({ posthog: { ...base.posthog, bootstrap: { distinctId: hostile }, options: { person_profiles: hostile } } });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/[\u2028\u2029]/);
    const config = initConfig(html);
    expect(config.person_profiles).toBe(hostile);
    expect((config.bootstrap as { distinctID: string }).distinctID).toBe(hostile);
  });
});

describe('injectSnippets', () => {
  it('adds the scripts with the nonce at run time, once', () => {
    document.head.innerHTML = '';
    injectSnippets(document, { ...base, nonce: 'n0nce' });
    injectSnippets(document, { ...base, nonce: 'n0nce' });
    const scripts = [...document.querySelectorAll('script[data-trackplan-snippet]')] as HTMLScriptElement[];
    expect(scripts).toHaveLength(3);
    for (const script of scripts) expect(script.getAttribute('nonce')).toBe('n0nce');
    expect(scripts[0].src).toContain('googletagmanager.com/gtag/js?id=G-ABC123');
    expect(scripts[2].text).toContain('posthog.init("phc_abc123"');
  });
});
