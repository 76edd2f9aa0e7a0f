import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryOutcome, DestinationFactory, DropReason } from '../../src/node/index';
import { nodeDestinations } from '../../src/node/destinations';
import { memoryDestination, testDestination } from '../../src/testing/index';
import { startReceiver, type Receiver } from '../helpers/receiver';

/** The fault a receiver answers with in each backend mode: 400 is a refusal for good (no retry). */
const faultFor = (receiver: Receiver) => (mode: 'accept' | 'refuse' | 'hang') => receiver.setFault(mode === 'accept' ? undefined : mode === 'hang' ? () => 'hang' : () => 400);

describe('testDestination: the built-in memory destination', () => {
  const suite = testDestination(memoryDestination());
  for (const check of suite.checks) it(check.name, check.run);
});

describe('testDestination: the webhook destination against a real receiver', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  // Created lazily: the receiver's URL is known once beforeAll ran; each check gets a fresh destination.
  const factory: DestinationFactory = (reporter) =>
    nodeDestinations({ webhook: { url: `${receiver.url}/webhook`, secret: 'whsec_conformance', retryBaseMs: 5, retryMaxMs: 20, flushIntervalMs: 20 } })[0](reporter);
  const suite = testDestination(factory, {
    backend: {
      set: (mode) => faultFor(receiver)(mode),
      received: () => receiver.webhookEvents().map((event) => event.uuid as string),
    },
  });
  for (const check of suite.checks) it(check.name, check.run);
});

describe.each(['client', 'direct'] as const)('testDestination: the PostHog destination (%s transport) against a real receiver', (transport) => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  const factory: DestinationFactory = (reporter) =>
    nodeDestinations({ posthog: { apiKey: 'phc_conformance', host: receiver.url, transport, retryBaseMs: 5, retryMaxMs: 20, flushIntervalMs: 20 } })[0](reporter);
  const suite = testDestination(factory, { backend: { set: (mode) => faultFor(receiver)(mode), received: () => receiver.events.map((event) => event.uuid as string) } });
  for (const check of suite.checks) it(check.name, check.run);
});

/** Destinations that break the contract, one way each: the suite must catch every one. */
describe('testDestination catches a destination that breaks the contract', () => {
  const healthy = (overrides: Partial<ReturnType<DestinationFactory>> & { name?: string } = {}): DestinationFactory => (reporter) => ({
    name: 'broken',
    send: async (): Promise<DeliveryOutcome> => (reporter.delivered(1), { delivered: true }),
    pending: () => 0,
    flush: async () => {},
    shutdown: async () => {},
    ...overrides,
  });
  const failureOf = async (factory: DestinationFactory, check: string) => {
    const found = testDestination(factory, { flushTimeoutMs: 500, shutdownSlackMs: 300 }).checks.find((c) => c.name.startsWith(check));
    return found!.run().then(() => 'passed', (error: Error) => error.message);
  };

  it('the suite itself passes a destination that keeps the contract', async () => {
    await testDestination(healthy()).run();
  });

  it('a message never reported (lost silently)', async () => {
    let n = 0;
    const factory: DestinationFactory = (reporter) => healthy({ send: async () => (++n % 5 ? reporter.delivered(1) : undefined, { delivered: true }) })(reporter);
    expect(await failureOf(factory, 'books')).toMatch(/destination "broken", check "books.*": send\(\) promises say 23 delivered, the reporter was told 19/);
  });

  it('a message reported twice', async () => {
    const factory: DestinationFactory = (reporter) => healthy({ send: async () => (reporter.delivered(1), reporter.dropped('oops' as DropReason, 1), { delivered: true }) })(reporter);
    expect(await failureOf(factory, 'flush')).toMatch(/books do not balance: sent 23 != delivered 23 \+ dropped 23 \{"oops":23\} \+ pending 0/);
  });

  it('send() rejecting, or throwing', async () => {
    const rejects = healthy({ send: async () => Promise.reject(new Error('boom')) });
    expect(await failureOf(rejects, 'books')).toMatch(/send\(\) rejected for track .*: boom/);
    const throws = healthy({ send: () => { throw new Error('sync boom'); } });
    expect(await failureOf(throws, 'books')).toMatch(/send\(\) threw \(destinations must never throw\): sync boom/);
  });

  it('a drop without a reason', async () => {
    const factory: DestinationFactory = (reporter) => healthy({ send: async () => (reporter.dropped('' as DropReason, 1), { delivered: false, reason: '' as DropReason }) })(reporter);
    expect(await failureOf(factory, 'books')).toMatch(/a dropped message \(.*\) has no reason/);
  });

  it('flush() resolving while messages are still pending', async () => {
    const factory: DestinationFactory = (reporter) => {
      let pending = 0;
      return healthy({
        send: () => (pending++, new Promise<DeliveryOutcome>((resolve) => setTimeout(() => (pending--, reporter.delivered(1), resolve({ delivered: true })), 50))),
        pending: () => pending,
      })(reporter);
    };
    expect(await failureOf(factory, 'flush')).toMatch(/pending\(\) is 23 once flush\(\) resolved; expected 0/);
  });

  it('shutdown() that overruns its deadline, and one that leaves messages pending', async () => {
    const slow = healthy({ shutdown: () => new Promise<void>((resolve) => setTimeout(resolve, 2000)) });
    expect(await failureOf(slow, 'shutdown')).toMatch(/shutdown\(300\) still running after 600 ms/);
    const factory: DestinationFactory = (reporter) => healthy({ send: () => new Promise<DeliveryOutcome>(() => {}), pending: () => 23 })(reporter);
    expect(await failureOf(factory, 'shutdown')).toMatch(/pending\(\) is 23 after shutdown\(\) resolved; what is left must be counted as dropped/);
  });

  it('setConsent() or reset() throwing', async () => {
    const consent = healthy({ setConsent: () => { throw new Error('no consent api'); } });
    expect(await failureOf(consent, 'consent')).toMatch(/setConsent\('denied'\) threw \(destinations must never throw\): no consent api/);
    const reset = healthy({ reset: () => { throw new Error('no reset api'); } });
    expect(await failureOf(reset, 'reset')).toMatch(/reset\(\) threw/);
  });

  it('has the same six checks for every destination; consent and reset pass at once where the destination has neither', async () => {
    const names = testDestination(healthy()).checks.map((c) => c.name.split(/[:(]/)[0].trim());
    expect(names).toEqual(['books', 'flush', 'shutdown', 'never throws', 'consent', 'reset']);
    expect(await failureOf(healthy(), 'consent')).toBe('passed');
    expect(await failureOf(healthy(), 'reset')).toBe('passed');
  });
});
