import type { Catalog } from '../core/catalog';
import type { ClientFlagsHost } from '../core/client';
import { createFlagsSnapshot, resolveFlags } from '../core/flags';

/**
 * A Node generated client's `flags`: the tracker's `evaluate()`. Before init() made the tracker it
 * never rejects either: every flag reads as its catalog default (`unconfigured`), with no exposure.
 */
export function nodeClientFlags(catalog: () => Catalog<any, any, any, any>) {
  return (host: ClientFlagsHost) => ({
    async evaluate(distinctId: string, options?: unknown) {
      if (!host.tracker()) await host.starting()?.catch(() => {});
      const tracker = host.tracker() as { flags?: { evaluate(distinctId: string, options?: unknown): Promise<unknown> } } | undefined;
      if (tracker?.flags) return tracker.flags.evaluate(distinctId, options);
      const specs = catalog().flags ?? {};
      return createFlagsSnapshot(String(distinctId ?? ''), specs, resolveFlags(specs, () => undefined, 'unconfigured').flags, () => {});
    },
  });
}
