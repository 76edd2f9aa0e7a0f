// The pipeline's validation step: container bounds first, then the catalog's validator, as violations.
import { boundContainers, TOO_MANY_VALUES } from './guards';
import { isRecord } from './call-options';
import { describeError } from './errors';
import type { PipelineContext } from './pipeline';
import { findingToViolation } from './pipeline-guards';
import type { RuntimeCatalog, ValidationResult, Validator, Violation } from './types';

/** The violation for an event the catalog does not declare (track() and the outbox dispatcher). */
export function unknownEventViolation(catalog: RuntimeCatalog, eventName: string): Violation {
  return {
    kind: 'unknown_event',
    event: eventName,
    message: `"${eventName}" is not an event of catalog "${catalog.name}"; it was not delivered`,
    action: 'dropped',
  };
}

export const acceptNothing: Validator = (input) => ({ ok: true, value: {}, issues: [], unknownKeys: isRecord(input) ? Object.keys(input) : [] });

/**
 * The size guard's container limits, before validation: a validator walks every key and array slot
 * (a million keys, or a sparse array of length 2^32-1, would take seconds or all memory).
 */
export function bounded(ctx: PipelineContext, input: unknown, event: string, violations: Violation[]): unknown {
  // Each JSON value costs at least two bytes serialized: more than that many cannot fit the event.
  const maxValues = Math.floor(ctx.guards.maxEventBytes / 2);
  const cut = boundContainers(input, ctx.guards.limits, maxValues);
  if (cut === undefined) return input;
  if (cut === TOO_MANY_VALUES) {
    violations.push({ kind: 'too_large', event, message: `the value holds more than ${maxValues} values (an object reused under many keys counts once per place); it cannot fit in ${ctx.guards.maxEventBytes} bytes serialized and was dropped`, action: 'dropped' });
    return TOO_MANY_VALUES;
  }
  for (const finding of cut.findings) violations.push(findingToViolation(finding, event));
  return cut.value;
}

/** Runs a validator and turns its issues and unknown keys into violations. */
export function checkAgainst(
  validate: Validator,
  input: unknown,
  event: string,
  kind: 'invalid_properties' | 'invalid_traits' | 'invalid_group_properties',
  violations: Violation[],
): ValidationResult {
  let result: ValidationResult;
  try {
    result = validate(input);
  } catch (error) {
    result = { ok: false, value: {}, issues: [{ path: [], code: 'custom', message: `validation threw: ${describeError(error)}` }], unknownKeys: [] };
  }
  // Indexed loops: these arrays are nearly always the shared empty ones.
  for (let i = 0; i < result.issues.length; i++) {
    const issue = result.issues[i];
    violations.push({ kind, event, message: issue.message, path: issue.path.length ? issue.path.join('.') : undefined, action: 'delivered' });
  }
  if (result.unknownKeys.length) violations.push(unknownKeysViolation(result.unknownKeys, event));
  return result;
}

const NAMED_UNKNOWN_KEYS = 20;
const NAME_LENGTH = 100;

/** One violation per call for all its unknown keys, naming the first few: a report per key would let one call flood onViolation. */
function unknownKeysViolation(keys: readonly string[], event: string): Violation {
  const quote = (key: string) => JSON.stringify(key.length > NAME_LENGTH ? `${key.slice(0, NAME_LENGTH)}…` : key);
  if (keys.length === 1)
    return { kind: 'unknown_properties', event, message: `${quote(keys[0])} is not declared for this event; it was removed`, path: keys[0], keys: [keys[0]], action: 'removed' };
  const named = keys.slice(0, NAMED_UNKNOWN_KEYS);
  const more = keys.length > named.length ? ` and ${keys.length - named.length} more` : '';
  return {
    kind: 'unknown_properties',
    event,
    message: `${keys.length} properties are not declared for this event; they were removed: ${named.map(quote).join(', ')}${more}`,
    keys: named,
    action: 'removed',
  };
}
