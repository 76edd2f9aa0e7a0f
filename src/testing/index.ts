// `trackplan/testing`: for your own test suites (any runner). msw is loaded only by the msw handlers.
export { memoryDestination, type MemoryDestination, type MemoryDestinationOptions } from '../destinations/memory';
export { createTestTracker, type TestTracker, type TestTrackerOptions } from './test-tracker';
export type { TestFlagValues } from './flag-values';
export { assertBooks, type StatsSource } from './books';
export { testDestination, type DestinationBackend, type DestinationCheck, type DestinationConformance, type TestDestinationOptions } from './conformance';
export { posthogHandlers, type PostHogHandlers, type CapturedPostHogEvent, type PostHogEventOf } from './posthog-handlers';
export { webhookHandlers, type WebhookHandlers, type WebhookEventOf } from './webhook-handlers';
export type { CapturedRequest, RejectedRequest } from './msw-loader';
export type { WebhookEnvelope } from '../destinations/_shared/webhook-envelope';
