import type { DropReason, DeliveryOutcome, DeliveryReporter, DestinationEntry, DestinationFactory, JsonValue, Message, ReportingDestination } from '../core/types';
import { bookedDestination } from '../core/user-destination';

/** How the conformance suite drives the service behind a destination, when it can. */
export interface DestinationBackend {
  /**
   * What the service does with the next requests: `'accept'` them, `'refuse'` them for good (an
   * HTTP destination: answer 400), or `'hang'` (never answer).
   */
  set(mode: 'accept' | 'refuse' | 'hang'): void | Promise<void>;
  /** The uuids of the track events the service has received, to check "delivered" means arrived. */
  received?(): readonly string[] | Promise<readonly string[]>;
}

export interface TestDestinationOptions {
  /** Lets the suite make the service hang or refuse; without it those checks run against a healthy service only. */
  backend?: DestinationBackend;
  /** Messages to send (fresh ones per check). Default: 20 track messages plus identify, alias and groupIdentify, those the destination accepts. */
  messages?: () => Message[];
  /** The deadline handed to `shutdown()`. Default 300 ms. */
  shutdownTimeoutMs?: number;
  /** How long `shutdown()` may overrun its deadline. Default 1000 ms. */
  shutdownSlackMs?: number;
  /** How long a flush may take against a healthy service. Default 10 000 ms. */
  flushTimeoutMs?: number;
}

export interface DestinationCheck {
  /** What the destination must do, in one sentence. */
  readonly name: string;
  /** Runs the check on a fresh destination; throws a plain `Error` saying what went wrong. */
  run(): Promise<void>;
}

export interface DestinationConformance {
  /** The checks, each independent: register one test per check (`for (const c of suite.checks) it(c.name, c.run)`). */
  readonly checks: readonly DestinationCheck[];
  /** Runs every check in order; throws on the first failure. */
  run(): Promise<void>;
}

/**
 * The contract every trackplan destination keeps, as checks you can run on your own destination in
 * any test runner: the books (every message settles once, delivered or dropped with a reason),
 * flush, the shutdown deadline, never throwing, and consent and reset where the destination has them.
 * `factory` is called once per check (each gets a fresh destination).
 * @example
 * const suite = testDestination(myDestination({ url }), { backend });
 * describe('my destination', () => { for (const check of suite.checks) it(check.name, check.run); });
 */
export function testDestination(entry: DestinationEntry, options: TestDestinationOptions = {}): DestinationConformance {
  // A plain `{ name, send }` gets its books from its outcomes, as the router keeps them.
  const factory: DestinationFactory = typeof entry === 'function' ? entry : (reporter) => bookedDestination(entry, reporter);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 300;
  const shutdownSlackMs = options.shutdownSlackMs ?? 1000;
  const flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
  const backend = options.backend;
  /** The messages a destination takes (those of a type in its `accepts`). */
  const accepted = (destination: ReportingDestination, all: Message[]): Message[] => all.filter((message) => !destination.accepts || destination.accepts.includes(message.type));

  /** A fresh destination with a reporter that keeps count, and the backend in `mode` for the check's length. */
  const check = (name: string, body: (context: CheckContext) => Promise<void>, mode: 'accept' | 'refuse' | 'hang' = 'accept'): DestinationCheck => ({
    name,
    async run() {
      const books = countingReporter();
      if (backend) await backend.set(mode);
      const destination = call(`check "${name}"`, 'the factory', () => factory(books.reporter));
      const where = (books.where = `destination "${destination?.name}", check "${name}"`);
      try {
        await body({ destination, books, messages: accepted(destination, options.messages?.() ?? defaultMessages()), where });
      } finally {
        // Cleanup, bounded: a destination whose shutdown hangs has failed its check already.
        await within(Promise.resolve().then(() => destination.shutdown(0)), shutdownSlackMs, 'cleanup').catch(() => {});
        if (backend) await backend.set('accept');
      }
    },
  });

  const checks: DestinationCheck[] = [
    check('books: every message sent settles once, delivered or dropped with a reason, and send never rejects', async ({ destination, books, messages, where }) => {
      const outcomes = messages.map((message) => call(where, 'send()', () => destination.send(message)));
      Promise.resolve(call(where, 'flush()', () => destination.flush())).catch(() => {}); // awaited below through the outcomes
      const settled = await within(Promise.all(outcomes.map((o) => settledOutcome(o))), flushTimeoutMs, `${where}: not every send() promise settled within ${flushTimeoutMs} ms`);
      settled.forEach((outcome, i) => assertOutcome(where, outcome, messages[i]));
      const delivered = settled.filter((outcome) => outcome.delivered).length;
      if (books.delivered !== delivered)
        fail(where, `send() promises say ${delivered} delivered, the reporter was told ${books.delivered}: each message must be reported exactly once, as it settled`);
      books.assertBalanced(messages.length, destination.pending());
      if (destination.pending() !== 0) fail(where, `pending() is ${destination.pending()} after every send() settled; expected 0`);
      await assertArrived(where, messages, settled);
    }),
    check('flush: resolves once everything sent before it has settled', async ({ destination, books, messages, where }) => {
      const outcomes: Promise<DeliveryOutcome>[] = [];
      for (const message of messages) {
        if (destination.post) call(where, 'post()', () => destination.post!(message));
        else outcomes.push(call(where, 'send()', () => destination.send(message)));
      }
      await within(Promise.resolve(call(where, 'flush()', () => destination.flush())), flushTimeoutMs, `${where}: flush() did not resolve within ${flushTimeoutMs} ms against a healthy service`);
      if (destination.pending() !== 0) fail(where, `pending() is ${destination.pending()} once flush() resolved; expected 0`);
      books.assertBalanced(messages.length, 0);
      if (books.delivered !== messages.length) fail(where, `against a healthy service ${messages.length - books.delivered} of ${messages.length} messages were not delivered (dropped: ${JSON.stringify(books.dropped)})`);
      await Promise.all(outcomes);
    }),
    check(
      backend ? 'shutdown: against a service that never answers, resolves by its deadline and counts what is left as dropped' : 'shutdown: resolves by its deadline with nothing left pending',
      async ({ destination, books, messages, where }) => {
        const outcomes = messages.map((message) => call(where, 'send()', () => destination.send(message)));
        const started = Date.now();
        await within(Promise.resolve(call(where, 'shutdown()', () => destination.shutdown(shutdownTimeoutMs))), shutdownTimeoutMs + shutdownSlackMs, `${where}: shutdown(${shutdownTimeoutMs}) still running after ${shutdownTimeoutMs + shutdownSlackMs} ms`);
        const took = Date.now() - started;
        if (took > shutdownTimeoutMs + shutdownSlackMs) fail(where, `shutdown(${shutdownTimeoutMs}) took ${took} ms`);
        if (destination.pending() !== 0) fail(where, `pending() is ${destination.pending()} after shutdown() resolved; what is left must be counted as dropped`);
        const settled = await within(Promise.all(outcomes.map((o) => settledOutcome(o))), shutdownSlackMs, `${where}: send() promises still unsettled ${shutdownSlackMs} ms after shutdown() resolved`);
        settled.forEach((outcome, i) => assertOutcome(where, outcome, messages[i]));
        books.assertBalanced(messages.length, 0);
        if (backend && books.delivered > 0) fail(where, `${books.delivered} message(s) counted as delivered by a service that never answered`);
        // After shutdown a message must still settle and be counted (delivered or dropped), not vanish.
        const late = messages[0];
        if (late) {
          const outcome = await within(settledOutcome(call(where, 'send() after shutdown()', () => destination.send(late))), shutdownSlackMs, `${where}: send() after shutdown() never settled`);
          assertOutcome(where, outcome, late);
          books.assertBalanced(messages.length + 1, destination.pending());
        }
      },
      'hang',
    ),
    check(
      backend ? 'never throws: a refusing service makes messages dropped with a reason, nothing thrown or rejected' : 'never throws: odd but valid messages settle without a throw',
      async ({ destination, books, messages, where }) => {
        const odd = [...messages, ...accepted(destination, oddMessages())];
        const outcomes = odd.map((message) => call(where, 'send()', () => destination.send(message)));
        call(where, 'pending()', () => destination.pending());
        await within(Promise.resolve(call(where, 'flush()', () => destination.flush())), flushTimeoutMs, `${where}: flush() did not resolve within ${flushTimeoutMs} ms`);
        const settled = await within(Promise.all(outcomes.map((o) => settledOutcome(o))), flushTimeoutMs, `${where}: send() promises unsettled after flush()`);
        settled.forEach((outcome, i) => assertOutcome(where, outcome, odd[i]));
        books.assertBalanced(odd.length, destination.pending());
        if (backend && books.delivered > 0) fail(where, `${books.delivered} message(s) counted as delivered by a service that refused every request`);
      },
      backend ? 'refuse' : 'accept',
    ),
    check('consent (when the destination has setConsent): it never throws in any state, and every message still settles once', async ({ destination, books, messages, where }) => {
        if (!destination.setConsent) return;
        const outcomes: Promise<DeliveryOutcome>[] = [];
        const thirds = [messages.slice(0, messages.length / 3), messages.slice(messages.length / 3, (2 * messages.length) / 3), messages.slice((2 * messages.length) / 3)];
        (['denied', 'pending', 'granted'] as const).forEach((state, i) => {
          call(where, `setConsent('${state}')`, () => destination.setConsent!(state));
          for (const message of thirds[i]) outcomes.push(call(where, 'send()', () => destination.send(message)));
        });
        await within(Promise.resolve(call(where, 'flush()', () => destination.flush())), flushTimeoutMs, `${where}: flush() did not resolve after consent was granted`);
        await within(Promise.all(outcomes.map((o) => settledOutcome(o))), flushTimeoutMs, `${where}: send() promises unsettled after consent was granted and flush() resolved`);
        books.assertBalanced(messages.length, destination.pending());
      }),
    check('reset (when the destination has reset): it never throws, and messages before and after it settle once', async ({ destination, books, messages, where }) => {
        if (!destination.reset) return;
        const half = Math.ceil(messages.length / 2);
        const outcomes = messages.slice(0, half).map((message) => call(where, 'send()', () => destination.send(message)));
        call(where, 'reset()', () => destination.reset!());
        for (const message of messages.slice(half)) outcomes.push(call(where, 'send()', () => destination.send(message)));
        await within(Promise.resolve(call(where, 'flush()', () => destination.flush())), flushTimeoutMs, `${where}: flush() did not resolve after reset()`);
        await within(Promise.all(outcomes.map((o) => settledOutcome(o))), flushTimeoutMs, `${where}: send() promises unsettled after reset() and flush()`);
        books.assertBalanced(messages.length, destination.pending());
      }),
  ];

  /** Delivered track events must be at the service, when the backend can say what it received. */
  async function assertArrived(where: string, messages: Message[], settled: DeliveryOutcome[]): Promise<void> {
    if (!backend?.received) return;
    const received = new Set(await backend.received());
    const missing = messages.filter((message, i) => message.type === 'track' && settled[i].delivered && !received.has(message.uuid));
    if (missing.length) fail(where, `${missing.length} message(s) counted as delivered never reached the service (first: ${missing[0].uuid})`);
  }

  return {
    checks,
    async run() {
      for (const one of checks) await one.run();
    },
  };
}

interface CheckContext {
  destination: ReportingDestination;
  books: ReturnType<typeof countingReporter>;
  messages: Message[];
  where: string;
}

function fail(where: string, message: string): never {
  throw new Error(`[trackplan] [testing] ${where}: ${message}`);
}

/** Runs one destination call; a synchronous throw fails the check with the call's name. */
function call<T>(where: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new Error(`[trackplan] [testing] ${where}: ${what} threw (destinations must never throw): ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
}

/** A send() promise's outcome; a rejection becomes a failure (send must never reject). */
async function settledOutcome(outcome: Promise<DeliveryOutcome>): Promise<DeliveryOutcome & { rejected?: unknown }> {
  try {
    return await outcome;
  } catch (error) {
    return { delivered: false, reason: '' as DropReason, rejected: error ?? new Error('rejected') };
  }
}

function assertOutcome(where: string, outcome: (DeliveryOutcome & { rejected?: unknown }) | undefined, message: Message): void {
  if (outcome && 'rejected' in outcome && outcome.rejected !== undefined) fail(where, `send() rejected for ${message.type} ${message.uuid} (it must resolve with an outcome): ${String((outcome.rejected as Error)?.message ?? outcome.rejected)}`);
  if (!outcome || typeof outcome.delivered !== 'boolean') fail(where, `send() resolved with ${JSON.stringify(outcome)} for ${message.uuid}; expected { delivered: true } or { delivered: false, reason }`);
  if (!outcome.delivered && (typeof outcome.reason !== 'string' || (outcome.reason as string) === '')) fail(where, `a dropped message (${message.uuid}) has no reason`);
}

/** Rejects with `message` unless `promise` settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`[trackplan] [testing] ${message}`)), ms)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function countingReporter() {
  const books = {
    where: '',
    delivered: 0,
    adopted: 0,
    dropped: {} as Record<string, number>,
    errors: [] as unknown[],
    reporter: {
      delivered: (count: number) => void (books.delivered += count),
      dropped: (reason: string, count: number, error?: unknown) => {
        if (typeof reason !== 'string' || reason === '') books.errors.push(new Error(`dropped(${JSON.stringify(reason)}) without a reason`));
        books.dropped[reason] = (books.dropped[reason] ?? 0) + count;
        if (error !== undefined) books.errors.push(error);
      },
      error: (error: unknown) => void books.errors.push(error),
      // A retried failure lost nothing yet: it is kept with the errors, not counted.
      retrying: (_reason: DropReason, _count: number, error: unknown) => void books.errors.push(error),
      debug: () => {},
      adopted: (count: number) => void (books.adopted += count),
      violation: () => {},
    } satisfies DeliveryReporter,
    /** routed (sent + adopted) == delivered + dropped + pending, and every drop had a reason. */
    assertBalanced(sent: number, pending: number) {
      const dropped = Object.values(books.dropped).reduce((sum, count) => sum + count, 0);
      const routed = sent + books.adopted;
      if (routed !== books.delivered + dropped + pending)
        fail(books.where, `books do not balance: sent ${sent}${books.adopted ? ` + adopted ${books.adopted}` : ''} != delivered ${books.delivered} + dropped ${dropped} ${JSON.stringify(books.dropped)} + pending ${pending}`);
      if (books.dropped[''] || books.dropped.undefined) fail(books.where, 'a message was reported dropped without a reason');
    },
  };
  return books;
}

let sequence = 0;
const newId = (): string => globalThis.crypto.randomUUID();
const base = () => ({ uuid: newId(), timestamp: new Date().toISOString(), source: 'trackplan-conformance', library: { name: 'trackplan', version: 'test' } });

function track(event: string, properties: Record<string, JsonValue>): Message {
  const head = base();
  return {
    ...head,
    type: 'track',
    envelope: {
      uuid: head.uuid,
      event,
      timestamp: head.timestamp,
      distinct_id: 'conformance_user',
      groups: { organization: 'org_1' },
      properties,
      schema_version: 1,
      catalog: { name: 'conformance', version: 1 },
      source: head.source,
      correlation_id: null,
      entity: null,
      library: head.library,
      revenue: null,
    },
  };
}

/** 20 track messages and one of each other type. */
function defaultMessages(): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < 20; i++) messages.push(track('conformance.checked', { index: i, run: ++sequence, label: `message ${i}` }));
  messages.push({ ...base(), type: 'identify', distinctId: 'conformance_user', set: { plan: 'pro' }, setOnce: {} });
  messages.push({ ...base(), type: 'alias', distinctId: 'conformance_user', alias: 'conformance_anon' });
  messages.push({ ...base(), type: 'groupIdentify', groupType: 'organization', groupKey: 'org_1', properties: { plan: 'pro' }, distinctId: 'conformance_user' });
  return messages;
}

/** Valid messages a careless serializer trips on: unicode, empty, nested, nulls, big numbers. */
function oddMessages(): Message[] {
  return [
    track('conformance.odd', {}),
    track('conformance.odd', { text: 'emoji 👋, quotes "\'", newline \n, NUL \u0000, RTL \u202e' }),
    track('conformance.odd', { nested: { deep: { list: [1, 'two', null, { three: true }] } }, none: null, big: Number.MAX_SAFE_INTEGER, tiny: -0.000001 }),
  ];
}

