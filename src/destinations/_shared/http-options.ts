import { TrackplanConfigError } from '../../core/errors';
import type { Message, MessageType } from '../../core/types';
import type { QueueSettings } from './batch-queue';
import type { FetchLike } from './http';
import { assertHttpUrl } from './url';

export interface HttpDestinationOptions extends QueueSettings {
  /** Its name in `stats()` and in an event's `destinations` list. */
  name: string;
  /** Where each batch is POSTed. */
  url: string;
  /**
   * One message as the JSON value the endpoint takes (serialized with `JSON.stringify`). Returning
   * `undefined` skips the message: it is counted as dropped (`unsupported`).
   * @example encode: (message) => (message.type === 'track' ? { name: message.envelope.event } : undefined)
   */
  encode(message: Message): unknown;
  /**
   * The request body around one batch: `events` is the encoded messages' JSON joined by commas.
   * @default (events) => `[${events}]` (a JSON array)
   * @example body: (events) => `{"api_key":"…","events":[${events}]}`
   */
  body?: (events: string) => string;
  /**
   * Request headers (`content-type: application/json` is set unless you set it), or a function of
   * the body, to sign it.
   */
  headers?: Record<string, string> | ((body: string) => Record<string, string>);
  /**
   * Message types it takes; others are not routed to it.
   * @default all
   */
  accepts?: readonly MessageType[];
  /**
   * Largest request body in bytes; a batch is cut before it.
   * @default 1 MiB (60,000 in the browser, under fetch keepalive's 64 KB)
   */
  maxBatchBytes?: number;
  /**
   * Per-request timeout in ms.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * 
   * @default `globalThis.fetch`
   */
  fetch?: FetchLike;
}

const MESSAGE_TYPES: readonly MessageType[] = ['track', 'identify', 'alias', 'groupIdentify'];

/**
 * `createHttpDestination`'s options checked, apart from the queue's code: the browser checks them at
 * once and loads that code with import().
 */
export function checkHttpOptions(options: HttpDestinationOptions): { name: string; url: string } {
  const name = options?.name;
  if (typeof name !== 'string' || name === '') throw new TrackplanConfigError(`createHttpDestination: name must be a non-empty string, the destination's name in stats() (got ${JSON.stringify(name)}).`);
  let url: string;
  try {
    url = assertHttpUrl(options.url, `${name}.url`);
  } catch (error) {
    throw new TrackplanConfigError(`[${name}] url must be an http(s) URL (got ${JSON.stringify(options.url)}).`, { cause: error });
  }
  if (typeof options.encode !== 'function') throw new TrackplanConfigError(`[${name}] encode(message) must be a function returning the JSON value to send for a message.`);
  if (options.body !== undefined && typeof options.body !== 'function') throw new TrackplanConfigError(`[${name}] body must be a function (events) => string, given the batch's encoded messages joined by commas.`);
  const headers = options.headers;
  if (headers !== undefined && typeof headers !== 'function' && (typeof headers !== 'object' || headers === null))
    throw new TrackplanConfigError(`[${name}] headers must be an object of header values, or a function (body) => headers.`);
  const accepts = options.accepts;
  if (accepts !== undefined && (!Array.isArray(accepts) || accepts.some((type) => !MESSAGE_TYPES.includes(type))))
    throw new TrackplanConfigError(`[${name}] accepts must list message types among ${MESSAGE_TYPES.join(', ')} (got ${JSON.stringify(accepts)}).`);
  return { name, url };
}
