import { AsyncLocalStorage } from 'node:async_hooks';

/** Request-scoped defaults merged into every call made inside `withContext`. */
export interface TrackContext {
  distinctId?: string;
  groups?: Record<string, string>;
  correlationId?: string;
}

const storage = new AsyncLocalStorage<TrackContext>();

export function runWithContext<T>(context: TrackContext, fn: () => T): T {
  const outer = storage.getStore();
  const merged: TrackContext = outer ? { ...outer, ...context, groups: { ...outer.groups, ...context.groups } } : context;
  return storage.run(merged, fn);
}

export function currentContext(): TrackContext | undefined {
  return storage.getStore();
}
