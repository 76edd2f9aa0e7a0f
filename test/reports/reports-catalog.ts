/** The eSIM reference catalog with its overview funnel and revenue series, for the report tests and the demo. */
import { defineCatalog } from '../../src/core/catalog';
import { defineFunnel } from '../../src/core/funnels';
import { revenueSeries, timeToFirst } from '../../src/core/metrics';
import { esim } from '../../schema/index';

export const esimReports = defineCatalog({
  ...esim.definition,
  funnels: {
    purchase: defineFunnel({ description: 'Signup to activated eSIM', steps: ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated'], window: '14d' }),
  },
  metrics: {
    revenue: revenueSeries({ description: 'Payments per currency' }),
    time_to_payment: timeToFirst('payment_succeeded', { from: 'user_signup' }),
  },
});
