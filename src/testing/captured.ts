import type { HttpHandler } from 'msw';
import type { Catalog } from '../core/catalog';
import { short, waitUntil } from './format';
import type { CapturedRequest, RejectedRequest } from './msw-loader';

/** What both msw stand-ins (PostHog, webhook) hand back: the handler and what it captured. */
export interface Captured<E> {
  readonly handlers: HttpHandler[];
  readonly events: E[];
  readonly requests: CapturedRequest[];
  readonly rejected: RejectedRequest[];
  waitFor(predicate: (events: E[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
  /** The events of one name, after checking the name against the catalog (when one was given). */
  eventsNamed(name: string): E[];
}

/** The captured lists and their readers, shared by `posthogHandlers` and `webhookHandlers`. */
export function capturedBy<E>(
  handler: HttpHandler,
  lists: { events: E[]; requests: CapturedRequest[]; rejected: RejectedRequest[] },
  where: string,
  nameOf: (event: E) => string,
  catalog: Catalog<any, any, any> | undefined,
): Captured<E> {
  const { events, requests, rejected } = lists;
  const known = catalog ? new Set(Object.keys(catalog.events)) : undefined;
  return {
    handlers: [handler],
    events,
    requests,
    rejected,
    eventsNamed(name) {
      if (known && !known.has(name)) throw new Error(`[trackplan] [testing] "${name}" is not an event of catalog "${catalog!.name}".`);
      return events.filter((event) => nameOf(event) === name);
    },
    waitFor: (predicate, timeoutMs = 5000) =>
      waitUntil(() => predicate(events), timeoutMs, () => `${where}; received ${events.length}: ${short(events.map(nameOf), 400)}${rejected.length ? `; rejected: ${short(rejected)}` : ''}`),
    clear() {
      for (const list of [events, requests, rejected]) (list as unknown[]).length = 0;
    },
  };
}
