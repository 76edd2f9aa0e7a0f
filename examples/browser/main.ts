/**
 * The storefront catalog in the browser: typed funnel events to GA4 (gtag) and PostHog (the
 * snippet's posthog-js, when the layout rendered it), with consent pending until the visitor accepts.
 */
import { createTracker } from 'trackplan/browser';
import { catalog } from '../../schema/storefront';

const log = (line: string) => (document.getElementById('log')!.textContent += `${line}\n`);
const posthog = (window as unknown as { posthog?: Parameters<typeof createTracker>[1] extends infer O ? O extends { posthog?: infer P } ? P extends { client: infer C } ? C : never : never : never }).posthog;

const tracker = createTracker(catalog, {
  ga4: { measurementId: 'G-EXAMPLE1' },
  ...(posthog ? { posthog: { client: posthog } } : {}),
  consent: 'pending',
  onViolation: (v) => log(`violation: ${v.event} ${v.kind} ${v.path ?? ''}`),
});

const order = { order_id: 'ord_demo', tier: 'standard', subtotal: 58, country: 'US' };
document.getElementById('start')!.addEventListener('click', () => {
  tracker.track('checkout.start', order);
  log(`checkout.start held until consent: ${JSON.stringify(tracker.stats().destinations)}`);
});
document.getElementById('approve')!.addEventListener('click', () => tracker.track('design.approved', { ...order, design_id: 'd_1', revisions: 2 }));
document.getElementById('consent')!.addEventListener('click', () => {
  tracker.setConsent('granted');
  void tracker.flush().then(() => log(`after consent: ${JSON.stringify(tracker.stats())}`));
});
(window as unknown as { tracker: typeof tracker }).tracker = tracker;
