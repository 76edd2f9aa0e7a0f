// The pipeline's guard step: PII and size guards per event, their findings as violations.
import { applyGuards, newKeyMemo, type GuardFinding, type GuardOptions, type KeyMemo } from './guards';
import type { PipelineContext } from './pipeline';
import type { JsonValue, RuntimeEventSpec, Violation } from './types';

export interface EventGuards {
  options: GuardOptions;
  memo: KeyMemo;
}

export function eventGuardsOf(ctx: PipelineContext, spec: RuntimeEventSpec): EventGuards {
  const cache = (ctx.eventGuards ??= new Map());
  let entry = cache.get(spec);
  if (!entry) {
    const options = spec.piiAllow.length ? { ...ctx.guards, allow: mergeAllow(ctx.guards.allow, spec.piiAllow) } : ctx.guards;
    entry = { options, memo: newKeyMemo() };
    cache.set(spec, entry);
  }
  return entry;
}

type Guarded = { ok: true; value: Record<string, JsonValue>; redactions: number } | { ok: false; reason: 'pii' | 'too_large'; redactions: number };

export function guard(ctx: PipelineContext, value: Record<string, unknown>, event: string, violations: Violation[], eventGuards?: EventGuards): Guarded {
  const result = applyGuards(value, eventGuards ? eventGuards.options : ctx.guards, eventGuards?.memo);
  let redactions = 0;
  for (let i = 0; i < result.findings.length; i++) {
    const finding = result.findings[i];
    if (finding.kind === 'pii') redactions++;
    violations.push(findingToViolation(finding, event, result.ok ? undefined : result.reason));
  }
  if (!result.ok) {
    if (result.reason === 'too_large')
      violations.push({ kind: 'too_large', event, message: `the event is larger than ${ctx.guards.maxEventBytes} bytes serialized; it was dropped`, action: 'dropped' });
    return { ok: false, reason: result.reason, redactions };
  }
  return { ok: true, value: result.value, redactions };
}

export function findingToViolation(finding: GuardFinding, event: string, dropReason?: string): Violation {
  const kind = finding.kind === 'pii' ? 'pii' : finding.kind === 'truncated' ? 'truncated' : 'non_json';
  const action = dropReason ? 'dropped' : finding.kind === 'pii' ? 'redacted' : 'rewritten';
  const message = finding.kind === 'pii' ? `personal data (${finding.detail}) was ${dropReason ? 'found' : 'redacted'}` : finding.detail;
  return { kind, event, message, path: finding.path || undefined, action };
}

function mergeAllow(base: ReadonlySet<string>, extra: readonly string[]): ReadonlySet<string> {
  const merged = new Set(base);
  for (const key of extra) merged.add(key);
  return merged;
}
