import { IMPORTED_DESCRIPTION_PLACEHOLDER, IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER } from '../core/catalog';
import type { JsonSchema } from '../core/json-schema';
import { isSensitiveKey } from '../core/guards';
import { GA4_LIMITS, ga4EventName, ga4Params } from '../destinations/_shared/ga4-rules';
import { ENVELOPE_PROPERTY_KEYS } from '../destinations/_shared/posthog-payload';
import type { CatalogJson } from './load-catalog';
import type { EventRef } from '../core/event-ref';
import { metricEvents } from '../core/metrics';
import { generatedNames, pascalCase } from './ts-types';

export interface Finding {
  severity: 'error' | 'warning';
  rule: string;
  event?: string;
  property?: string;
  message: string;
  fix: string;
}

const KNOWN_POSTHOG = new Set(['$revenue', '$set', '$set_once', '$groups', '$current_url', '$referrer', '$pathname', '$process_person_profile', '$session_id', '$lib']);
const PAST_TENSE_EXCEPTIONS = new Set(['run', 'sent', 'done', 'paid', 'begun', 'seen', 'shown', 'set', 'built', 'made', 'won', 'lost', 'kept', 'left', 'put', 'cut', 'read', 'view', 'first_view', 'navigation', 'start', 'started', 'login']);
// Words that name a state or a view rather than a completed action: present tense is the plan's rule for those.
const ONGOING = new Set(['viewing', 'filtering', 'navigation', 'view', 'interacted', 'start', 'open']);
const PII_FORMATS = new Set(['email', 'idn-email']);

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const DOTTED = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

/**
 * Event names against the catalog's naming rule (`naming: { events }`). Under `'any'` a name is a wire
 * name already in use downstream: its style is only a warning, never an error.
 */
function namingFindings(names: string[], rule: 'snake' | 'dotted' | 'snake-or-dotted' | 'any'): Finding[] {
  if (rule === 'any') {
    return names
      .filter((name) => !SNAKE.test(name) && !DOTTED.test(name))
      .map((name) => ({
        severity: 'warning' as const,
        rule: 'naming/style',
        event: name,
        message: `"${name}" is neither snake_case nor dotted lowercase; it is kept as the wire name (naming.events: 'any')`,
        fix: 'nothing to do for a name that data downstream already uses; new events read best as snake_case past tense (e.g. "order_completed")',
      }));
  }
  const findings: Finding[] = [];
  for (const name of names) {
    const snake = SNAKE.test(name);
    const dotted = DOTTED.test(name);
    const ok = rule === 'snake' ? snake : rule === 'dotted' ? dotted : snake || dotted;
    if (ok) continue;
    const suggestion = rule === 'dotted' ? name.toLowerCase().replace(/[^a-z0-9.]+/g, '.').replace(/^\.|\.$/g, '') : name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    const expected = rule === 'snake' ? 'snake_case' : rule === 'dotted' ? 'dotted lowercase' : 'snake_case or dotted lowercase';
    findings.push({ severity: 'error', rule: 'naming/convention', event: name, message: `"${name}" is not ${expected} (naming.events: '${rule}')`, fix: `rename to "${suggestion}", or set naming: { events: 'any' } in the catalog to keep wire names as they are` });
  }
  return findings;
}

/**
 * Under `naming.events: 'any'` (wire names, as `trackplan import` writes) the plan is already in use
 * downstream: the GA4 destination fits each event at run time (renames, drops what GA4 refuses) and
 * reports every rewrite as a violation, so what GA4 would change is a warning, not an error.
 */
const GA4_AT_RUN_TIME = 'the GA4 destination does this at run time and reports each change (onViolation, kind destination_rewrite); route the event away from GA4 with destinations to silence it';

/** Keywords that say nothing about a value's type. */
const UNTYPED = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);

/** Whether a property's schema says anything about its values (`{}`, z.unknown(), says nothing). */
function statesType(schema: JsonSchema): boolean {
  return Object.keys(schema).some((keyword) => !UNTYPED.has(keyword) && !keyword.startsWith('x-'));
}

function lastWord(name: string): string {
  return name.split(/[._]/).at(-1) ?? name;
}

/** Lints a plan; each finding names the event and property and says how to fix it. */
/** Funnels and metrics: every event they count is declared, with the properties their filters name. */
function reportFindings(plan: CatalogJson): Finding[] {
  const findings: Finding[] = [];
  const checkRef = (owner: string, ref: EventRef) => {
    const event = plan.events[ref.event];
    if (!event) return findings.push({ severity: 'error', rule: 'reports/unknown-event', event: ref.event, message: `${owner} counts "${ref.event}", which the catalog does not declare`, fix: 'declare the event or fix the name' });
    for (const key of Object.keys(ref.where ?? {}))
      if (!(key in (event.properties?.properties ?? {})))
        findings.push({ severity: 'error', rule: 'reports/unknown-property', event: ref.event, property: key, message: `${owner} filters on "${key}", which "${ref.event}" does not declare`, fix: `declare ${key} on ${ref.event} or drop it from the filter` });
  };
  const hasOrganization = (name: string) => Boolean(plan.groups.organization) || 'organization_id' in (plan.events[name]?.properties?.properties ?? {});
  const checkUnit = (owner: string, by: string, events: string[]) => {
    if (by === 'organization' && !events.every(hasOrganization))
      findings.push({ severity: 'warning', rule: 'reports/no-organization', message: `${owner} counts by organization, but the catalog has no "organization" group (nor an organization_id property on every event it counts): organization_id would be empty`, fix: "declare groups: { organization } and pass groups: { organization } when tracking, or count by: 'user'" });
  };
  for (const [name, spec] of Object.entries(plan.funnels ?? {})) {
    const owner = `funnel "${name}"`;
    spec.steps.forEach((step) => checkRef(owner, step));
    if (spec.steps.length < 2) findings.push({ severity: 'error', rule: 'reports/funnel-steps', message: `${owner} has ${spec.steps.length} step(s)`, fix: 'give it at least 2 steps' });
    checkUnit(owner, spec.by, spec.steps.map((s) => s.event));
  }
  for (const [name, spec] of Object.entries(plan.metrics ?? {})) {
    const owner = `metric "${name}"`;
    const refs = spec.kind === 'time_to_first' || spec.kind === 'time_to_nth' ? [spec.from, spec.event] : spec.kind === 'activation' ? [spec.from, ...spec.all] : spec.kind === 'retention' ? [spec.start, spec.return] : spec.events.map((e) => ({ event: e.event }));
    refs.forEach((ref) => checkRef(owner, ref));
    checkUnit(owner, spec.by, metricEvents(spec));
    if (spec.kind === 'revenue')
      for (const e of spec.events.filter((e) => !e.currency))
        findings.push({ severity: 'warning', rule: 'reports/revenue-currency', event: e.event, message: `${owner} sums "${e.event}" without a currency: its amounts are reported under XXX`, fix: `add currency to ${e.event}'s revenue mapping` });
  }
  return findings;
}

export function checkCatalog(plan: CatalogJson): Finding[] {
  const findings: Finding[] = [];
  const names = Object.keys(plan.events);
  // Imported wire names are kept whatever they look like: what is about a name only warns.
  const wireNames = plan.naming?.events === 'any';
  const nameSeverity = wireNames ? 'warning' : 'error';
  findings.push(...namingFindings(names, plan.naming?.events ?? 'snake-or-dotted'));
  const normalised = new Map<string, string>();
  for (const name of names) {
    const key = name.replace(/[._-]/g, '').toLowerCase();
    const other = normalised.get(key);
    if (other) findings.push({ severity: nameSeverity, rule: 'naming/duplicate', event: name, message: `"${name}" and "${other}" differ only in separators`, fix: wireNames ? 'both stay on the wire as they are; merge them if they are one event' : 'keep one name and delete the other' });
    normalised.set(key, name);
  }
  // Collisions of generated function names get numbered (catalog order): say which name each one got.
  const generated = generatedNames(names);
  for (const name of names) {
    const base = pascalCase(name);
    const id = generated.get(name)!;
    if (id === base) continue;
    const first = names.find((other) => generated.get(other)!.toLowerCase() === base.toLowerCase()) ?? base;
    findings.push({ severity: 'warning', rule: 'naming/generated-collision', event: name, message: `"${name}" makes the same generated name as "${first}" (track${base}); it is generated as track${id}`, fix: 'nothing to do; rename one of the events if the numbered function reads badly' });
  }
  {
    // Past tense is the snake_case plans' rule (Tformance, BatchTrack); dotted names name a step.
    for (const name of names.filter((n) => SNAKE.test(n))) {
      const word = lastWord(name);
      // Phrasal verbs put the participle second to last: user_signed_in, user_signed_up.
      const words = name.split(/[._]/).slice(-2);
      const pastTense = words.some((w) => /(ed|en)$/.test(w) || PAST_TENSE_EXCEPTIONS.has(w) || ONGOING.has(w));
      if (!pastTense)
        findings.push({ severity: 'warning', rule: 'naming/past-tense', event: name, message: `"${name}" does not read as a completed action`, fix: `use the past tense for completed actions (e.g. "${name}_completed" or "${name.replace(/_[^_]+$/, '')}_${word}ed")` });
    }
  }

  const seen = new Map<string, { type: string; description?: string; event: string }>();
  for (const [name, event] of Object.entries(plan.events)) {
    if (!event.description?.trim()) findings.push({ severity: 'error', rule: 'docs/description', event: name, message: 'the event has no description', fix: 'add one sentence saying what happened' });
    else if (event.description === IMPORTED_DESCRIPTION_PLACEHOLDER)
      findings.push({ severity: 'warning', rule: 'docs/placeholder', event: name, message: 'the event was imported without a description (placeholder)', fix: 'replace the placeholder with one sentence saying what happened' });
    const schema = event.properties as JsonSchema;
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (!child.description?.trim()) findings.push({ severity: 'error', rule: 'docs/description', event: name, property: key, message: `property "${key}" has no description`, fix: `add .describe('…') to ${key}` });
      else if (child.description === IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER)
        findings.push({ severity: 'warning', rule: 'docs/placeholder', event: name, property: key, message: `property "${key}" was imported without a description (placeholder)`, fix: `replace the placeholder in .describe() of ${key}` });
      const type = JSON.stringify({ type: child.type, enum: child.enum, items: (child.items as JsonSchema | undefined)?.type, anyOf: child.anyOf?.map((a) => a.type) });
      // A property that states no type (z.unknown(), or an imported variant's key, checked by the variants) conflicts with none.
      const earlier = statesType(child) ? seen.get(key) : undefined;
      if (earlier && earlier.type !== type)
        findings.push({
          severity: nameSeverity,
          rule: 'consistency/type',
          event: name,
          property: key,
          message: `"${key}" has a different type here than in "${earlier.event}"${wireNames ? ' (the plan sends both already: naming.events \'any\')' : ''}`,
          fix: wireNames ? `give ${key} one type in a new version of one of the events, or rename it there; data already sent keeps both types` : `define ${key} once and reuse the same zod schema in both events`,
        });
      else if (!earlier && statesType(child)) seen.set(key, { type, description: child.description, event: name });
      if (key.startsWith('$') && !KNOWN_POSTHOG.has(key))
        findings.push({ severity: 'error', rule: 'posthog/reserved', event: name, property: key, message: `"${key}" starts with "$", which PostHog reserves for its own properties`, fix: 'drop the "$" prefix' });
      if (ENVELOPE_PROPERTY_KEYS.includes(key))
        findings.push({ severity: nameSeverity, rule: 'posthog/envelope', event: name, property: key, message: `"${key}" is an envelope field trackplan writes beside the properties PostHog gets: this property would be overwritten there`, fix: `rename it (e.g. "${name.split(/[._ ]/)[0].toLowerCase()}_${key}")` });
      const piiAllowed = event.piiAllow.includes(key);
      if (!piiAllowed && (isSensitiveKey(key) || PII_FORMATS.has(String(child.format))))
        findings.push({ severity: 'error', rule: 'privacy/pii', event: name, property: key, message: `"${key}" invites personal data; the PII guard will redact it`, fix: `use an id instead, or list "${key}" in pii.allow if it must carry personal data` });
    }
    const toGa4 = !event.destinations || event.destinations.includes('ga4');
    if (toGa4) {
      const mapped = ga4EventName(name);
      for (const rewrite of mapped.rewrites)
        if (rewrite.rule !== 'name_mapped') findings.push({ severity: nameSeverity, rule: `ga4/${rewrite.rule}`, event: name, message: rewrite.detail, fix: wireNames ? GA4_AT_RUN_TIME : 'rename the event, or route it away from GA4 with destinations' });
      const params = Object.keys(schema.properties ?? {});
      if (params.length > GA4_LIMITS.params) findings.push({ severity: nameSeverity, rule: 'ga4/too_many_params', event: name, message: `${params.length} properties; GA4 takes ${GA4_LIMITS.params}`, fix: wireNames ? GA4_AT_RUN_TIME : 'trim the event or route it away from GA4' });
      for (const rewrite of ga4Params(Object.fromEntries(params.map((p) => [p, 0]))).rewrites)
        if (rewrite.rule !== 'name_mapped' && rewrite.rule !== 'too_many_params') findings.push({ severity: nameSeverity, rule: `ga4/${rewrite.rule}`, event: name, property: rewrite.path, message: rewrite.detail, fix: wireNames ? GA4_AT_RUN_TIME : 'rename the property' });
      if (mapped.name) {
        const other = names.find((n) => n !== name && ga4EventName(n).name === mapped.name && (!plan.events[n].destinations || plan.events[n].destinations!.includes('ga4')));
        if (other && other < name) findings.push({ severity: nameSeverity, rule: 'ga4/collision', event: name, message: `"${name}" and "${other}" both become "${mapped.name}" in GA4`, fix: 'rename one of them' });
      }
    }
  }
  findings.push(...reportFindings(plan));
  return findings;
}
