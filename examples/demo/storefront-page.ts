// The storefront's checkout funnel in the browser, through the snippet's posthog-js.
import { createTracker } from 'trackplan/browser';
import { catalog } from '../../schema/storefront';

const order = { order_id: 'ord_demo_1', tier: 'standard', subtotal: 58, country: 'US' };
const tracker = createTracker(catalog, { posthog: { client: (window as unknown as { posthog: never }).posthog } });
tracker.identify('user_storefront_1', { role: 'member' });
tracker.track('checkout.start', order);
tracker.track('checkout.session_created', { ...order, item_count: 2 });
tracker.track('design.started', { ...order, design_id: 'd_1' });
// A deliberate slip: an e-mail in a free-text field and a string where a number belongs.
tracker.track('design.approved', { ...order, design_id: 'jane@example.com', revisions: 'two' as never });
void tracker.flush().then(() => ((window as unknown as { demoStats: unknown }).demoStats = tracker.stats()));
