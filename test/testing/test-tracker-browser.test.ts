// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { assertBooks, createTestTracker } from '../../src/testing/index';
import { catalog } from '../fixtures/storefront-catalog';

describe('createTestTracker({ runtime: "browser" })', () => {
  it('is the browser tracker: the browser distinct id, consent, reset', async () => {
    localStorage.clear();
    const { tracker, events, expectTracked } = createTestTracker(catalog, { runtime: 'browser', consent: 'pending' });
    tracker.track('signup_page_viewed', { referrer: 'pricing' });
    expect(events).toHaveLength(0); // held until consent
    tracker.setConsent('granted');
    await tracker.flush();
    const envelope = expectTracked('signup_page_viewed', { referrer: 'pricing' });
    expect(envelope.distinct_id).toBe(tracker.getDistinctId());
    tracker.reset();
    tracker.track('onboarding_completed');
    await tracker.flush();
    expect(events[1].distinct_id).not.toBe(envelope.distinct_id);
    assertBooks(tracker);
  });
});
