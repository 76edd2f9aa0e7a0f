import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DROP_REASONS, isDropReason, type DropReason, type TrackerStats } from '../../src/index';

const SRC = join(__dirname, '../../src');
/** Where messages are dropped: the core, the destinations and the two runtimes (not the CLI or the inspector's HTTP answers). */
const FOLDERS = ['core', 'destinations', 'browser', 'node/destinations.ts', 'node/tracker.ts'];

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name))).filter((file) => file.endsWith('.ts'));
}

/** The expression starting at `start`: up to a `,`, `;` or line end outside brackets and quotes, or the bracket that closes around it. */
function expressionAt(text: string, start: number): string {
  let depth = 0;
  let quote = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth-- === 0) return text.slice(start, i);
    else if (depth === 0 && (c === ',' || c === ';' || c === '\n')) return text.slice(start, i);
  }
  return text.slice(start);
}

/**
 * Every reason literal the code hands to a drop: `dropped('x'`, `drop('x'`, `dropWith('x'`,
 * `retrying('x'`, the pipeline's `refuse('x'`, and the values of `reason:` / `reason =` (every
 * quoted literal of the expression, so `timedOut ? 'timeout' : 'network_error'` yields both).
 */
function emittedReasons(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (reason: string, where: string) => found.has(reason) || found.set(reason, where);
  for (const file of FOLDERS.flatMap((folder) => sourceFiles(join(SRC, folder)))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(SRC, file);
    const calls = new RegExp(`\\b(?:dropped|drop|dropWith|retrying${where === 'core/pipeline.ts' ? '|refuse' : ''})\\(\\s*'([^']*)'`, 'g');
    for (const match of text.matchAll(calls)) add(match[1], where);
    for (const match of text.matchAll(/\breason(?::\s*DropReason)?\s*(?::|=(?!=))\s*/g)) {
      const value = expressionAt(text, match.index + match[0].length);
      for (const literal of value.matchAll(/'([^']*)'/g)) add(literal[1], where);
      for (const template of value.matchAll(/`([^`]*)`/g)) add(template[1].replace(/\$\{[^}]*\}/g, '500'), where);
    }
  }
  return found;
}

describe('DropReason', () => {
  const emitted = emittedReasons();

  it('finds the reasons the code emits (the scan is not vacuous)', () => {
    for (const known of ['invalid', 'shutdown', 'queue_overflow', 'retries_exhausted', 'consent_denied', 'client_queue_overflow', 'storage_corrupt', 'handed_to_next_page', 'posthog_error', 'http_500'])
      expect([...emitted.keys()], known).toContain(known);
  });

  it('every reason the code emits is in DROP_REASONS (or is http_<status>)', () => {
    const unknown = [...emitted].filter(([reason]) => !isDropReason(reason)).map(([reason, where]) => `${reason} (${where})`);
    expect(unknown).toEqual([]);
  });

  it('every reason in DROP_REASONS is emitted somewhere (no stale entries)', () => {
    expect(DROP_REASONS.filter((reason) => !emitted.has(reason))).toEqual([]);
  });

  it('isDropReason accepts the list and http_<status>, and refuses anything else', () => {
    for (const reason of [...DROP_REASONS, 'http_400', 'http_503']) expect(isDropReason(reason), reason).toBe(true);
    for (const other of ['rejected', 'http_', 'http_5xx', 'HTTP_500', '', 42, undefined]) expect(isDropReason(other), String(other)).toBe(false);
  });

  it('types stats().dropped by it', () => {
    expectTypeOf<keyof TrackerStats['dropped']>().toEqualTypeOf<DropReason>();
    expectTypeOf<keyof TrackerStats['destinations'][string]['dropped']>().toEqualTypeOf<DropReason>();
    expectTypeOf<'http_429'>().toMatchTypeOf<DropReason>();
    // @ts-expect-error not a reason the code emits
    const wrong: DropReason = 'rejected';
    void wrong;
  });
});
