'use client';
import type { ReactNode } from 'react';
import type { FlagsBootstrap } from 'trackplan';
import { TrackplanProvider } from 'trackplan/next';
import * as analytics from '../analytics/client';

/** init() once with posthog-js from the snippet (the default), $pageview on every navigation. */
export function Analytics({ bootstrap, children }: { bootstrap: FlagsBootstrap; children: ReactNode }) {
  return (
    <TrackplanProvider client={analytics} bootstrap={bootstrap} options={{ onError: (error: unknown) => console.error(error) }}>
      {children}
    </TrackplanProvider>
  );
}
