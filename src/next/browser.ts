// `trackplan/next` outside the `react-server` condition: client components, their server-side
// rendering and `proxy.ts`. The server-only parts (next/headers, the Node tracker) stay out.
export { distinctIdFromRequest, type DistinctIdSource } from './distinct-id';
export { trackplanProxy, withTrackplanCsp, contentSecurityPolicy, createNonce, NONCE_HEADER, type TrackplanCspOptions } from './csp';
export { TrackplanProvider, useFlag, type TrackplanProviderProps, type TrackplanRegister, type RegisteredFlagKey, type RegisteredFlagValue, type InitClient } from './client';
