import { describe, expect, it } from 'vitest';
import { isSensitiveKey, redactPii, redactString, redactUrl } from '../../../src/core/guards';
import { createTracker } from '../../../src/node/index';
import { memoryDestination } from '../../../src/testing/index';
import { catalog } from '../../fixtures/storefront-catalog';

const caught: [string, string, string][] = [
  ['email', 'contact jane.doe@example.com please', 'contact [redacted:email] please'],
  ['email', 'jane+promo@mail.example.co.uk', '[redacted:email]'],
  ['email', 'ops@xn--bcher-kva.example', '[redacted:email]'],
  ['email', 'root@[192.168.1.1]', '[redacted:email]'],
  ['email', 'https://shop.example.com/?ref=jane%40example.com', 'https://shop.example.com/?ref=[redacted:email]'],
  ['card', '4242 4242 4242 4242', '[redacted:card]'],
  ['card', 'card 5555-5555-5555-4444 on file', 'card [redacted:card] on file'],
  ['card', '378282246310005', '[redacted:card]'],
  ['card', '4111111111111111', '[redacted:card]'],
  ['phone', 'call +1 (415) 555-0100', 'call [redacted:phone]'],
  ['phone', '+44 20 7946 0958', '[redacted:phone]'],
  ['phone', '+33.1.23.45.67.89', '[redacted:phone]'],
  ['phone', '+14155550100', '[redacted:phone]'],
  ['iban', 'GB82 WEST 1234 5698 7654 32', '[redacted:iban]'],
  ['iban', 'DE89370400440532013000', '[redacted:iban]'],
  ['ssn', 'ssn 123-45-6789', 'ssn [redacted:ssn]'],
  ['jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[redacted:jwt]'],
  ['secret', 'key sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'key [redacted:secret]'],
  ['secret', 'rk_test_51Hxxxxxxxxxxxx', '[redacted:secret]'],
  ['secret', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[redacted:secret]'],
  ['secret', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[redacted:secret]'],
  ['secret', 'AKIAIOSFODNN7EXAMPLE', '[redacted:secret]'],
  ['secret', 'xoxb-123456789012-abcdefghij', '[redacted:secret]'],
  ['secret', 'Bearer abc.def.ghi123456', '[redacted:secret]'],
];

const leftAlone = [
  'ord_8f3k2', '550e8400-e29b-41d4-a716-446655440000', '2026-11-22', '2026-11-22T10:15:30.123Z', '1732212345678', '49.99', '1299',
  'TSHIRT-BLK-XL', 'https://shop.example.com/p/42?utm_source=newsletter', 'cs_test_a1B2c3D4e5', 'sub_1NxAbCdEfGh', 'cus_9s8d7f6g', 'pi_3MtwBwLkdIwHu7ix',
  'v1.2.3', 'US', '#ff8800', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', '1234567890123456', '+1', 'Operation timed out after 300s',
  'The quick brown fox jumps over the lazy dog', '000-12-3456', '@handle', 'user@localhost', 'order 12345 shipped',
];

describe('redactString', () => {
  it.each(caught)('catches %s: %s', (kind, input, expected) => {
    const result = redactString(input);
    expect(result.value).toBe(expected);
    expect(result.kinds).toContain(kind);
  });
  it.each(leftAlone)('leaves alone %s', (input) => {
    expect(redactString(input)).toEqual({ value: input, kinds: [] });
  });
});

describe('isSensitiveKey', () => {
  it.each(['email', 'userEmail', 'customer_email', 'EMAIL_ADDRESS', 'phone', 'phone_number', 'password', 'ssn', 'card_number', 'cvv', 'token', 'access_token', 'refreshToken', 'api_key', 'x-api-key', 'apiKey', 'secret', 'client-secret', 'authorization', 'cookie', 'Set-Cookie'])(
    '%s is sensitive',
    (key) => expect(isSensitiveKey(key)).toBe(true),
  );
  it.each(['order_id', 'tier', 'token_count', 'max_tokens', 'tokens_used', 'emailed', 'email_verified', 'telephone_country', 'phone_verified', 'secretary_name', 'has_connected_github', 'country'])(
    '%s is not',
    (key) => expect(isSensitiveKey(key)).toBe(false),
  );
});

describe('redactPii', () => {
  it('replaces values under sensitive keys whole, at any depth and whatever their type', () => {
    const input = { order_id: 'o_1', customer: { email: 'jane@example.com', name: 'Jane', contacts: [{ phone_number: 4155550100 }] }, access_token: { nested: true } };
    const { value, findings } = redactPii(input as never, new Set());
    expect(value).toEqual({
      order_id: 'o_1',
      customer: { email: '[redacted:sensitive_key]', name: 'Jane', contacts: [{ phone_number: '[redacted:sensitive_key]' }] },
      access_token: '[redacted:sensitive_key]',
    });
    expect(findings.map((f) => f.path)).toEqual(['customer.email', 'customer.contacts.0.phone_number', 'access_token']);
  });
  it('lets allowed keys through untouched, and returns the same object when nothing is found', () => {
    const input = { reply_to: 'jane@example.com', note: 'write to jane@example.com' };
    const { value } = redactPii(input, new Set(['reply_to']));
    expect(value).toEqual({ reply_to: 'jane@example.com', note: 'write to [redacted:email]' });
    const clean = { order_id: 'o_1', skus: ['A-1'] };
    expect(redactPii(clean, new Set()).value).toBe(clean);
  });
});

describe('redactUrl', () => {
  it('redacts sensitive query keys and personal data in values, keeps the rest', () => {
    expect(redactUrl('https://x.com/a?email=a%40b.com&x=1').value).toBe('https://x.com/a?email=%5Bredacted%3Asensitive_key%5D&x=1');
    expect(redactUrl('https://x.com/reset?token=abc123&utm_source=mail').value).toBe('https://x.com/reset?token=%5Bredacted%3Asensitive_key%5D&utm_source=mail');
    expect(redactUrl('https://x.com/p/42?utm_source=ads').value).toBe('https://x.com/p/42?utm_source=ads');
  });
});

describe('the PII guard in the tracker', () => {
  function tracked(options: Parameters<typeof createTracker>[1] = {}) {
    const memory = memoryDestination();
    const violations: import('../../../src/node/index').Violation[] = [];
    const tracker = createTracker(catalog, { destinations: [memory], onViolation: (v) => violations.push(v), ...options });
    return { tracker, memory, violations };
  }
  it('redacts before any destination, counts and reports each redaction', async () => {
    const { tracker, memory, violations } = tracked();
    tracker.track('support.contacted', { topic: 'card 4242 4242 4242 4242', note: 'from jane@example.com' });
    await tracker.flush();
    expect(memory.events[0].properties).toEqual({ topic: 'card [redacted:card]', note: 'from [redacted:email]' });
    expect(tracker.stats().redactions).toBe(2);
    expect(violations.filter((v) => v.kind === 'pii').map((v) => [v.path, v.action])).toEqual([['topic', 'redacted'], ['note', 'redacted']]);
  });
  it("honours the event's pii.allow and the tracker's guards.allow", async () => {
    const { tracker, memory } = tracked({ guards: { allow: ['note'] } });
    tracker.track('support.contacted', { topic: 'refund', reply_to: 'jane@example.com', note: 'jane@example.com' });
    await tracker.flush();
    expect(memory.events[0].properties).toEqual({ topic: 'refund', reply_to: 'jane@example.com', note: 'jane@example.com' });
  });
  it('guards identify traits and group properties too', async () => {
    const { tracker, memory } = tracked({ validation: 'report' });
    tracker.identify('u1', { role: 'admin', email: 'jane@example.com' } as never);
    await tracker.flush();
    // unknown trait keys are removed before the guard; a known trait with PII would be redacted
    expect(memory.messages[0]).toMatchObject({ type: 'identify', set: { role: 'admin' } });
  });
  it("drop-event drops the whole message; off leaves it alone", async () => {
    const dropping = tracked({ guards: { pii: 'drop-event' } });
    dropping.tracker.track('support.contacted', { topic: 'jane@example.com' });
    await dropping.tracker.flush();
    expect(dropping.memory.events).toHaveLength(0);
    expect(dropping.tracker.stats().dropped).toEqual({ pii: 1 });
    const off = tracked({ guards: { pii: 'off' } });
    off.tracker.track('support.contacted', { topic: 'jane@example.com' });
    await off.tracker.flush();
    expect(off.memory.events[0].properties.topic).toBe('jane@example.com');
  });
});
