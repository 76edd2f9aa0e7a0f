import type { ClientFlagsHost } from '../core/client';

/** Each flag's default and variants: what a page needs to read a bootstrap before the runtime loads. */
export type ClientFlagDefaults = Readonly<Record<string, { default: string | boolean; variants?: readonly string[] }>>;

interface TrackerFlags {
  get(key: string): string | boolean;
  isEnabled(key: string): boolean;
  payload(key: string): unknown;
  fallbackReason(key: string): unknown;
  subscribe(listener: () => void): () => void;
}

/**
 * A browser generated client's `flags`: the tracker's once it has loaded; before that, the values
 * of init()'s `flags.bootstrap` that the catalog declares (else the default), so the first render
 * shows the server's variant. Payloads are parsed by the runtime: they read once it has loaded,
 * and subscribers are called then. Reads made before it record their exposure when it arrives.
 */
export function browserClientFlags(defaults: ClientFlagDefaults) {
  return (host: ClientFlagsHost) => {
    const live = () => (host.tracker() as { flags?: TrackerFlags } | undefined)?.flags;
    const early = (key: string): { value: string | boolean; enabled: boolean } => {
      const spec = Object.hasOwn(defaults, key) ? defaults[key] : undefined;
      if (!spec) return { value: false, enabled: false };
      const bootstrap = (host.initOptions() as { flags?: { bootstrap?: { featureFlags?: Record<string, unknown> } } } | undefined)?.flags?.bootstrap;
      const given = bootstrap?.featureFlags?.[key];
      const declared = spec.variants ? typeof given === 'string' && spec.variants.includes(given) : typeof given === 'boolean';
      return declared ? { value: given as string | boolean, enabled: given !== false } : { value: spec.default, enabled: false };
    };
    const read = (key: string) => {
      host.run((tracker: { flags?: TrackerFlags }) => tracker.flags?.get(key));
      return early(key);
    };
    // Listeners given before the tracker: moved onto it when it arrives, and called once (payloads now read).
    const waiting = new Map<() => void, () => void>();
    host.onTracker(() => {
      for (const [listener] of waiting) {
        waiting.set(listener, live()?.subscribe(listener) ?? (() => {}));
        listener();
      }
    });
    return {
      get: (key: string) => live()?.get(key) ?? read(key).value,
      isEnabled(key: string) {
        const flags = live();
        if (flags) return flags.isEnabled(key);
        const { value, enabled } = read(key);
        return typeof value === 'boolean' ? value : enabled;
      },
      payload: (key: string) => live()?.payload(key),
      fallbackReason: (key: string) => live()?.fallbackReason(key),
      subscribe(listener: () => void): () => void {
        if (typeof listener !== 'function') return () => {};
        const flags = live();
        if (flags) return flags.subscribe(listener);
        waiting.set(listener, () => {});
        return () => {
          waiting.get(listener)?.();
          waiting.delete(listener);
        };
      },
    };
  };
}
