// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ga4Destination, type Gtag } from '../../src/destinations/ga4';
import { testDestination } from '../../src/testing/index';

type Win = Window & { dataLayer?: IArguments[] };

/** The standard gtag snippet: calls queue in dataLayer for gtag.js. */
const gtag: Gtag = function gtag() {
  // eslint-disable-next-line prefer-rest-params
  ((window as Win).dataLayer ??= []).push(arguments);
} as Gtag;

describe('testDestination: the GA4 destination (consent and reset included)', () => {
  const suite = testDestination(ga4Destination({ measurementId: 'G-CONFORM1' }, { gtag: () => gtag }));
  for (const check of suite.checks) it(check.name, check.run);

  it('its consent check did reach gtag consent mode', async () => {
    (window as Win).dataLayer = [];
    await suite.checks.find((c) => c.name.startsWith('consent'))!.run();
    const consent = ((window as Win).dataLayer ?? []).map((entry) => Array.from(entry)).filter((call) => call[0] === 'consent');
    expect(consent.map((call) => call[1])).toEqual(['update', 'update']); // denied, granted ('pending' changes nothing)
  });
});
