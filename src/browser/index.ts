// `trackplan/browser`: the isomorphic surface plus the browser tracker and snippet injection.
export * from '../index';
export { injectSnippets } from '../core/snippets';
export { createTracker, type BrowserTracker, type BrowserTrackerOptions } from './tracker';
