/**
 * Server-side analytics: one tracker per server process (trackplan/next keeps it across hot
 * reloads) and the visitor's flags, evaluated once per request for the person the browser is.
 */
import { cache } from 'react';
import { cookies } from 'next/headers';
import { distinctIdFromRequest, getServerTracker } from 'trackplan/next';
import { catalog } from './catalog';

export const posthog = {
  apiKey: process.env.POSTHOG_KEY ?? 'phc_example_nextshop',
  host: process.env.POSTHOG_HOST ?? 'https://us.i.posthog.com',
};

export function serverTracker() {
  return getServerTracker(catalog, { posthog, onError: (error) => console.error(error) });
}

/**
 * The visitor's distinct id (posthog-js's cookie; a new id on a first visit, handed to posthog-js
 * as its bootstrap) and their flags. React's cache(): once per request, however many components ask.
 */
export const requestAnalytics = cache(async () => {
  const distinctId = (await distinctIdFromRequest(cookies(), posthog.apiKey)) ?? crypto.randomUUID();
  const flags = await serverTracker().flags.evaluate(distinctId);
  return { distinctId, flags, bootstrap: flags.bootstrap() };
});
