// trackplan/next's server parts without a Next server: the proxy helper's headers, the snippets
// as React elements, the distinct id from each request shape. The app test drives them in Next.
import { NextRequest, NextResponse, type NextFetchEvent } from 'next/server';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { distinctIdFromRequest, NONCE_HEADER, TrackplanScripts, trackplanProxy, withTrackplanCsp } from '../../src/next/index';

const event = {} as NextFetchEvent;
const phCookie = (key: string, id: string) => `ph_${key}_posthog=${encodeURIComponent(JSON.stringify({ distinct_id: id }))}`;

describe('trackplan/next', () => {
  it('proxy: a fresh nonce per request, passed to the page as request headers, and the CSP on the response', async () => {
    const proxy = trackplanProxy({ posthog: { host: 'https://eu.i.posthog.com' }, connectSrc: ['https://hooks.example.com/in'] });
    const first = (await proxy(new NextRequest('https://shop.example/'), event))!;
    const second = (await proxy(new NextRequest('https://shop.example/'), event))!;
    const policy = first.headers.get('content-security-policy')!;
    const nonce = first.headers.get(`x-middleware-request-${NONCE_HEADER}`)!;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second.headers.get(`x-middleware-request-${NONCE_HEADER}`)).not.toBe(nonce);
    expect(policy).toContain(`script-src 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).toContain("connect-src 'self' https://eu.i.posthog.com https://eu-assets.i.posthog.com https://hooks.example.com");
    expect(/script-src [^;]*/.exec(policy)![0]).not.toContain('unsafe-inline'); // scripts run by nonce only
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy); // Next nonces its own scripts from it
    expect(first.headers.get('x-middleware-next')).toBe('1');
  });

  it("proxy: composes with the app's own proxy, keeping its request headers, rewrites and redirects", async () => {
    const own = withTrackplanCsp((request) => {
      const headers = new Headers(request.headers);
      headers.set('x-tenant', 'acme');
      return NextResponse.next({ request: { headers } });
    });
    const response = (await own(new NextRequest('https://shop.example/', { headers: { cookie: 'a=1' } }), event))!;
    const passed = response.headers.get('x-middleware-override-headers')!.split(',');
    expect(passed).toEqual(expect.arrayContaining(['x-tenant', 'cookie', NONCE_HEADER, 'content-security-policy']));
    expect(response.headers.get('x-middleware-request-x-tenant')).toBe('acme');

    const redirect = (await withTrackplanCsp(() => NextResponse.redirect('https://shop.example/login'))(new NextRequest('https://shop.example/'), event))!;
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('x-middleware-override-headers')).toBeNull();
    expect(redirect.headers.get('content-security-policy')).toContain("'strict-dynamic'");
  });

  it('proxy: a bad host is refused when the proxy is made, naming the option', () => {
    expect(() => trackplanProxy({ posthog: { host: 'javascript:alert(1)' } })).toThrow(/posthog\.host/);
  });

  it('<TrackplanScripts>: one <script> per snippet with the nonce; pageviews left to the provider; consent pending starts opted out', async () => {
    const element = await TrackplanScripts({ posthog: { apiKey: 'phc_next', host: 'https://eu.i.posthog.com' }, ga4: { measurementId: 'G-NEXT1' }, consent: 'pending', nonce: 'bm9uY2U=', bootstrap: { distinctID: 'u_1', featureFlags: { beta: true }, featureFlagPayloads: {} } });
    const html = renderToStaticMarkup(element);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/nonce="bm9uY2U="/g)).toHaveLength(3);
    expect(html).toContain('"capture_pageview":false');
    expect(html).toContain('"opt_out_capturing_by_default":true');
    expect(html).toContain('"distinctID":"u_1"');
    expect(html).toContain('analytics_storage":"denied"');
    const granted = renderToStaticMarkup(await TrackplanScripts({ posthog: { apiKey: 'phc_next' }, nonce: 'bm9uY2U=' }));
    expect(granted).not.toContain('opt_out_capturing_by_default');
  });

  it("distinctIdFromRequest: posthog-js's id from cookies(), headers() or a Request, with or without the key", async () => {
    const header = `other=1; ${phCookie('phc_next', 'browser_7')}`;
    const request = new Request('https://shop.example/', { headers: { cookie: header } });
    expect(distinctIdFromRequest(request, 'phc_next')).toBe('browser_7');
    expect(distinctIdFromRequest(request)).toBe('browser_7');
    expect(distinctIdFromRequest(new Headers({ cookie: header }))).toBe('browser_7');
    // cookies() hands values decoded.
    const store = { getAll: () => [{ name: 'ph_phc_next_posthog', value: JSON.stringify({ distinct_id: 'browser_8' }) }] };
    expect(distinctIdFromRequest(store, 'phc_next')).toBe('browser_8');
    expect(await distinctIdFromRequest(Promise.resolve(store))).toBe('browser_8');
    // Left alone: no cookie, another project's key, a cookie that is not posthog-js's JSON.
    expect(distinctIdFromRequest(new Headers())).toBeUndefined();
    expect(distinctIdFromRequest(request, 'phc_other')).toBeUndefined();
    expect(distinctIdFromRequest(new Headers({ cookie: 'ph_phc_next_posthog=garbage' }))).toBeUndefined();
  });
});
