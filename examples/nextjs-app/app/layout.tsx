import type { ReactNode } from 'react';
import { TrackplanScripts } from 'trackplan/next';
import { catalog } from '../analytics/catalog';
import { posthog, requestAnalytics } from '../analytics/server';
import { Analytics } from './analytics-provider';

export const metadata = { title: 'trackplan + Next.js' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { bootstrap } = await requestAnalytics();
  const ga4Id = process.env.GA4_MEASUREMENT_ID;
  return (
    <html lang="en">
      <head>
        {/* The nonce comes from proxy.ts; bootstrap: the server's person and flag values. */}
        <TrackplanScripts catalog={catalog} posthog={posthog} ga4={ga4Id ? { measurementId: ga4Id } : undefined} bootstrap={bootstrap} />
      </head>
      <body>
        <Analytics bootstrap={bootstrap}>{children}</Analytics>
      </body>
    </html>
  );
}
