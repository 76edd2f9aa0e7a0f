// What one track() of the bench's event is made of, measured apart (`node bench/pipeline-parts.mjs`).
// Internal modules, so this is bundled from src/ by pipeline-parts.mjs rather than imported from dist/.
import { randomFillSync } from 'node:crypto';
import { catalog, event, properties } from './catalog.mjs';
import { applyGuards, boundContainers, newKeyMemo } from '../src/core/guards/index';
import { guardOptionsFrom } from '../src/core/tracker';
import { createUuidV7 } from '../src/core/uuid';
import { createTracker } from '../src/node/index';

const ROUNDS = 11;
const PER_ROUND = 200_000;
function medianNs(fn: () => unknown): number {
  for (let i = 0; i < 30_000; i++) fn();
  const runs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) fn();
    runs.push(Number(process.hrtime.bigint() - start) / PER_ROUND);
  }
  return Math.round(runs.sort((a, b) => a - b)[ROUNDS >> 1]);
}

const sample = event(1);
const spec = (catalog as unknown as { events: Record<string, { validate(input: unknown): { value: Record<string, unknown> } }> }).events.order_paid;
const validated = spec.validate(sample).value;
const guards = guardOptionsFrom(undefined);
const memo = newKeyMemo();
const newId = createUuidV7(randomFillSync);
const tracker = createTracker(catalog, { disabled: true });

const parts = {
  'track() whole': medianNs(() => tracker.track('order_paid', sample, { distinctId: 'u_1' })),
  'zod safeParse alone': medianNs(() => properties.safeParse(sample)),
  'size limits before validation': medianNs(() => boundContainers(sample, guards.limits)),
  'validator (zod + key checks)': medianNs(() => spec.validate(sample)),
  'guards (flat fast path)': medianNs(() => applyGuards(validated, guards, memo)),
  'Date.now()': medianNs(() => Date.now()),
  'UUIDv7 id': medianNs(() => newId(1_700_000_000_000)),
};
for (const [what, ns] of Object.entries(parts)) console.log(`${what.padEnd(30)} ${String(ns).padStart(5)} ns`);
