/**
 * Sends storefront events to Amplitude and prints the destination's books from `stats()`.
 * `npm run build`, then `AMPLITUDE_API_KEY=… npx jiti examples/amplitude-destination/index.ts`
 * (`AMPLITUDE_HOST=http://127.0.0.1:…` sends to a receiver of your own instead).
 */
import { createTracker } from 'trackplan/node';
import { catalog } from '../../schema/storefront';
import { amplitudeDestination } from './amplitude';

const tracker = createTracker(catalog, {
  destinations: [amplitudeDestination({ apiKey: process.env.AMPLITUDE_API_KEY ?? '', host: process.env.AMPLITUDE_HOST })],
  onError: (error) => console.error(String(error)),
});
tracker.track('checkout.start', { order_id: 'ord_1', tier: 'pro', subtotal: 49, country: 'US' }, { distinctId: 'user_12345' });
tracker.track('checkout.start', { order_id: 'ord_2', tier: 'standard', subtotal: 19, country: 'DE' }, { distinctId: 'user_67890' });
await tracker.shutdown();
console.log(`amplitude: ${JSON.stringify(tracker.stats().destinations.amplitude)}`);
