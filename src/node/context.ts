import { AsyncLocalStorage } from 'node:async_hooks';

/** Request-scoped defaults merged into every call made inside `withContext`. */
export interface TrackContext {
  distinctId?: string;
  groups?: Record<string, string>;
  correlationId?: string;
}

export interface ContextScope {
  run<T>(context: TrackContext, fn: () => T): T;
  current(): TrackContext | undefined;
}

/** One scope per tracker: a context set through one tracker never leaks into another's calls. */
export function createContextScope(): ContextScope {
  const storage = new AsyncLocalStorage<TrackContext>();
  return {
    run(context, fn) {
      const outer = storage.getStore();
      const merged: TrackContext = outer ? { ...outer, ...context, groups: { ...outer.groups, ...context.groups } } : context;
      return storage.run(merged, fn);
    },
    current: () => storage.getStore(),
  };
}
