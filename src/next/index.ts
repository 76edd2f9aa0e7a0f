// `trackplan/next` for server code (the `react-server` condition: layouts, route handlers, server
// actions). Client components resolve `./browser` instead, which leaves out the server parts.
export { TrackplanScripts, type TrackplanScriptsProps } from './scripts';
export { getServerTracker, afterResponse } from './server-tracker';
export { distinctIdFromRequest, type DistinctIdSource } from './distinct-id';
export { trackplanProxy, withTrackplanCsp, contentSecurityPolicy, createNonce, NONCE_HEADER, type TrackplanCspOptions } from './csp';
export { TrackplanProvider, useFlag, type TrackplanProviderProps, type TrackplanRegister, type RegisteredFlagKey, type RegisteredFlagValue, type InitClient } from './client';
