import { checkGa4MeasurementId } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { DeliveryOutcome, DestinationFactory, Message } from '../core/types';
import type { BrowserEnv, Builtin, PageWindow } from './_shared/builtin';
import { ga4EventName, ga4Params, ga4UserProperties, type Ga4Rewrite } from './_shared/ga4-rules';

export interface Ga4Options {
  /** `G-…`. */
  measurementId: string;
}

export type Gtag = (...args: unknown[]) => void;

/** How the GA4 destination reaches gtag; the browser entry passes `window.gtag` / `dataLayer`. */
export interface Ga4Runtime {
  gtag(): Gtag;
}

const CONSENT = {
  granted: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' },
  denied: { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' },
} as const;

/**
 * GA4 through gtag. GA4's naming and size rules apply here and only here; every change is reported
 * through `onViolation`; a reserved event name is not sent to GA4 (other destinations still get it).
 */
export function ga4Destination(options: Ga4Options, runtime: Ga4Runtime): DestinationFactory {
  return (reporter) => {
    const report = (message: Message, event: string, rewrites: Ga4Rewrite[]) => {
      for (const rewrite of rewrites)
        reporter.violation({ kind: 'destination_rewrite', destination: 'ga4', event, path: rewrite.path || undefined, message: `${rewrite.rule}: ${rewrite.detail}`, action: rewrite.rule.startsWith('reserved') || rewrite.rule === 'too_many_params' ? 'removed' : 'rewritten' });
      void message;
    };
    const deliver = (): DeliveryOutcome => {
      reporter.delivered(1);
      return { delivered: true };
    };
    return {
      name: 'ga4',
      accepts: ['track', 'identify'],
      async send(message) {
        const gtag = runtime.gtag();
        if (message.type === 'track') {
          const { envelope } = message;
          const mapped = ga4EventName(envelope.event);
          report(message, envelope.event, mapped.rewrites);
          if (mapped.name === null) {
            reporter.dropped('ga4_reserved_name', 1);
            return { delivered: false, reason: 'ga4_reserved_name' };
          }
          const { params, rewrites } = ga4Params(envelope.properties);
          report(message, envelope.event, rewrites);
          if (envelope.revenue) {
            params.value = envelope.revenue.amount;
            if (envelope.revenue.currency) params.currency = envelope.revenue.currency;
          }
          params.event_id = envelope.uuid; // the same id as every other destination, for dedupe
          gtag('event', mapped.name, params);
          return deliver();
        }
        if (message.type === 'identify') {
          gtag('set', { user_id: message.distinctId });
          const { properties, rewrites } = ga4UserProperties({ ...message.setOnce, ...message.set });
          report(message, '$identify', rewrites);
          if (Object.keys(properties).length) gtag('set', 'user_properties', properties);
          return deliver();
        }
        reporter.dropped('unsupported', 1);
        return { delivered: false, reason: 'unsupported' };
      },
      pending: () => 0,
      flush: async () => {},
      shutdown: async () => {},
      setConsent(state) {
        if (state === 'pending') return;
        runtime.gtag()('consent', 'update', CONSENT[state]);
      },
      reset() {
        runtime.gtag()('set', { user_id: null });
      },
    };
  };
}

/** The browser tracker's `ga4` option. */
export const ga4ForBrowser: Builtin<Ga4Options, BrowserEnv> = {
  name: 'ga4',
  create(options, env) {
    checkGa4MeasurementId(options.measurementId, 'measurementId', 'ga4');
    return ga4Destination(options, { gtag: () => gtagOf(env.window) });
  },
};

function gtagOf(win: PageWindow | undefined): Gtag {
  if (!win) throw new Error('[trackplan] [ga4] gtag needs a browser window');
  win.dataLayer = win.dataLayer || [];
  if (typeof win.gtag !== 'function') {
    // The standard gtag shim: calls queue in dataLayer until gtag.js processes them.
    win.gtag = function gtag() {
      // eslint-disable-next-line prefer-rest-params
      win.dataLayer!.push(arguments);
    };
  }
  return win.gtag;
}
