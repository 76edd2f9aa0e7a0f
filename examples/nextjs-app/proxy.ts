// Next 16's proxy (middleware.ts before it): a nonce per request and a CSP allowing exactly what
// the snippets need, composed with the app's own proxy.
import { NextResponse, type NextRequest } from 'next/server';
import { withTrackplanCsp } from 'trackplan/next';

function appProxy(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set('x-example-proxy', request.nextUrl.pathname);
  return response;
}

export const proxy = withTrackplanCsp(appProxy, {
  posthog: { host: process.env.POSTHOG_HOST ?? 'https://us.i.posthog.com' },
  ga4: Boolean(process.env.GA4_MEASUREMENT_ID),
});

export const config = {
  // Pages only: static files and Next's own assets need no nonce.
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)', missing: [{ type: 'header', key: 'next-router-prefetch' }] }],
};
