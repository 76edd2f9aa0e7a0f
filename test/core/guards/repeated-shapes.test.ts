import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../../../src/core/catalog';
import { createTracker, type Violation } from '../../../src/node/index';
import { memoryDestination } from '../../../src/testing/index';

// The guards remember what they decided about the keys of each event's properties, and the
// validator the key order of the last call; these tests make sure the memo never lets data through.
const catalog = defineCatalog({
  name: 'memo',
  version: 1,
  events: {
    note_saved: defineEvent({
      description: 'A note was saved',
      pii: { allow: ['reply_to'] },
      properties: z.object({ title: z.string(), body: z.string().optional(), words: z.number(), reply_to: z.string().optional(), user_email: z.string().optional() }),
    }),
  },
});

function setup() {
  const memory = memoryDestination();
  const violations: Violation[] = [];
  const tracker = createTracker(catalog, { destinations: [memory], onViolation: (v) => violations.push(v) });
  return { tracker, memory, violations };
}

describe('guards on events of a repeated shape', () => {
  it('passes clean properties through untouched, every time', async () => {
    const { tracker, memory, violations } = setup();
    for (let i = 0; i < 50; i++) tracker.track('note_saved', { title: `Groceries ${i}`, body: 'milk, eggs, TSHIRT-BLK-XL', words: 3 });
    await tracker.flush();
    expect(memory.events).toHaveLength(50);
    expect(memory.events[49].properties).toEqual({ title: 'Groceries 49', body: 'milk, eggs, TSHIRT-BLK-XL', words: 3 });
    expect(violations).toEqual([]);
  });

  it('still redacts an e-mail, a card number or a secret in the 1,001st event of a shape seen 1,000 times', async () => {
    const { tracker, memory, violations } = setup();
    for (let i = 0; i < 1000; i++) tracker.track('note_saved', { title: 'Groceries', body: 'milk', words: 1 });
    tracker.track('note_saved', { title: 'write to jane.doe@example.com', body: 'card 4242 4242 4242 4242', words: 1 });
    tracker.track('note_saved', { title: 'key sk_live_abcdefgh12345678', body: 'milk', words: 1 });
    await tracker.flush();
    expect(memory.events[1000].properties).toEqual({ title: 'write to [redacted:email]', body: 'card [redacted:card]', words: 1 });
    expect(memory.events[1001].properties.title).toBe('key [redacted:secret]');
    expect(violations.map((v) => v.kind)).toEqual(['pii', 'pii', 'pii']);
  });

  it('catches a sensitive key that appears after many calls without it, in any key order', async () => {
    const { tracker, memory } = setup();
    for (let i = 0; i < 100; i++) tracker.track('note_saved', { title: 'a', words: 1 });
    tracker.track('note_saved', { title: 'a', words: 1, user_email: 'someone' });
    tracker.track('note_saved', { user_email: 'someone', words: 1, title: 'a' });
    await tracker.flush();
    expect(memory.events[100].properties.user_email).toBe('[redacted:sensitive_key]');
    expect(memory.events[101].properties.user_email).toBe('[redacted:sensitive_key]');
  });

  it("leaves an address under the event's allowed key alone, however often it comes", async () => {
    const { tracker, memory, violations } = setup();
    for (let i = 0; i < 100; i++) tracker.track('note_saved', { title: 'a', words: 1, reply_to: 'jane@example.com' });
    await tracker.flush();
    expect(memory.events[99].properties.reply_to).toBe('jane@example.com');
    expect(violations).toEqual([]);
  });

  it('removes an unknown key even when the same keys in the same order came before without it', async () => {
    const { tracker, memory, violations } = setup();
    for (let i = 0; i < 100; i++) tracker.track('note_saved', { title: 'a', words: 1 });
    tracker.track('note_saved', { title: 'a', words: 1, extra: 'x' } as never);
    tracker.track('note_saved', { title: 'a', words: 1 });
    await tracker.flush();
    expect(memory.events[100].properties).toEqual({ title: 'a', words: 1 });
    expect(violations.map((v) => `${v.kind}:${v.path}`)).toEqual(['unknown_properties:extra']);
    expect(memory.events).toHaveLength(102);
  });

  it('cuts a long string and converts a non-JSON value after a run of clean calls', async () => {
    const { tracker, memory } = setup();
    for (let i = 0; i < 100; i++) tracker.track('note_saved', { title: 'a', words: 1 });
    tracker.track('note_saved', { title: 'x'.repeat(300), words: 1 });
    await tracker.flush();
    expect(memory.events[100].properties.title).toHaveLength(255);
  });
});
