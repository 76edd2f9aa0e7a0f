// One Node tracker per server process. Next's development server re-evaluates modules on every
// edit; a tracker kept on globalThis survives that, so edits do not pile up trackers and timers.
import { after } from 'next/server';
import type { Catalog } from '../core/catalog';
import { createTracker, type NodeTracker, type NodeTrackerOptions } from '../node/tracker';

const TRACKERS = Symbol.for('trackplan.next.serverTrackers');
type Registry = Map<string, NodeTracker<any>>;

function registry(): Registry {
  const holder = globalThis as { [TRACKERS]?: Registry };
  return (holder[TRACKERS] ??= new Map());
}

/**
 * The server's tracker for `catalog`: made on the first call, the same one afterwards (by catalog
 * name, so a reloaded catalog module finds it). Each message's delivery is handed to Next's
 * `after()` (its `waitUntil`), so a route handler or server action returns at once and the
 * platform keeps the function alive until the events are sent. Pass your own `waitUntil` to
 * change that. Options of later calls are ignored: the first call's options stay in force.
 */
export function getServerTracker<C extends Catalog<any, any, any, any>>(catalog: C, options: NodeTrackerOptions = {}): NodeTracker<C> {
  const trackers = registry();
  const found = trackers.get(catalog.name);
  if (found) return found as NodeTracker<C>;
  const tracker = createTracker(catalog, { waitUntil: afterResponse, ...options });
  trackers.set(catalog.name, tracker);
  return tracker;
}

/**
 * Keeps the request alive for `promise` with Next's `after()`. Outside a request (a script, a
 * build step) `after()` throws: the tracker catches that and delivers anyway.
 */
export function afterResponse(promise: Promise<unknown>): void {
  after(() => promise);
}
