// `trackplan/node`: the isomorphic surface plus the Node tracker and its helpers.
export * from '../index';
export { createTracker, type NodeTracker, type NodeTrackerOptions } from './tracker';
export type { NodeFlags, NodeFlagsOptions, EvaluateOptions, FlagGroup } from './flags';
export { createTrackerFromEnv } from './env';
export { createHttpDestination, type NodeDestinationOptions } from './destinations';
export type { HttpDestinationOptions } from '../destinations/http-destination';
export type { FetchLike } from '../destinations/_shared/http';
export type { WebhookOptions } from '../destinations/webhook';
export type { WebhookEnvelope } from '../destinations/_shared/webhook-envelope';
export type { PostHogNodeOptions } from '../destinations/posthog-node';
export { verifyWebhookSignature, signWebhookBody } from './webhook-signature';
export { distinctIdFromCookie } from './cookie';
export { startInspector, type Inspector, type InspectorOptions, type InspectedEvent, type InspectorFlag } from './inspector';
export type { TrackContext } from './context';
