import type { EventRef } from '../core/event-ref';
import type { JsonSchema } from '../core/json-schema';
import type { Envelope, TrackMessage } from '../core/types';
import { LIBRARY } from '../core/version';
import { ga4EventName, ga4Params } from '../destinations/_shared/ga4-rules';
import { toPostHogEvent } from '../destinations/_shared/posthog-payload';
import { toWebhookEnvelope } from '../destinations/_shared/webhook-envelope';
import type { CatalogJson } from './load-catalog';
import { generatedNames } from './ts-types';
import { sampleObject } from './samples';

const FIXED = { uuid: '01937a6e-0000-7000-8000-000000000001', timestamp: '2026-11-22T10:00:00.000Z' };

function typeText(schema: JsonSchema): string {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeText).join(' \\| ');
  if (schema.enum) return `enum: ${schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type ?? 'any';
  return type === 'array' && schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items) ? `array of ${typeText(schema.items)}` : type;
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined && schema.minLength === schema.maxLength) parts.push(`length ${schema.minLength}`);
  else {
    if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
    if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
  }
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  if (schema.type === 'integer') parts.push('integer');
  if (schema.format) parts.push(`format ${schema.format}`);
  if (schema.pattern) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default \`${JSON.stringify(schema.default)}\``);
  return parts.join(', ') || '—';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const refText = (ref: EventRef) => `\`${ref.event}\`${ref.where ? ` where ${Object.entries(ref.where).map(([k, v]) => `\`${k}\` = \`${JSON.stringify(v)}\``).join(', ')}` : ''}`;

/** Funnels and metrics, each with the events it counts (`funnel()` / `metric()` in trackplan/reports). */
function reportsDocs(plan: CatalogJson): string[] {
  const out: string[] = [];
  const funnels = Object.entries(plan.funnels ?? {});
  if (funnels.length) {
    out.push('## Funnels', '', '| funnel | description | steps (events counted) | window | by | order |', '| --- | --- | --- | --- | --- | --- |');
    for (const [name, f] of funnels) out.push(`| \`${name}\` | ${cell(f.description)} | ${f.steps.map((s, i) => `${i + 1}. ${refText(s)}`).join('<br>')} | ${f.window} | ${f.by} | ${f.order} |`);
    out.push('');
  }
  const metrics = Object.entries(plan.metrics ?? {});
  if (metrics.length) {
    out.push('## Metrics', '', '| metric | kind | description | events counted | by |', '| --- | --- | --- | --- | --- |');
    for (const [name, m] of metrics) {
      const refs = m.kind === 'time_to_first' || m.kind === 'time_to_nth' ? [m.from, m.event] : m.kind === 'activation' ? [m.from, ...m.all] : m.kind === 'retention' ? [m.start, m.return] : m.events.map((e) => ({ event: e.event }));
      out.push(`| \`${name}\` | ${m.kind} | ${cell(m.description)} | ${refs.map(refText).join(', ')} | ${m.by} |`);
    }
    out.push('');
  }
  return out;
}

/**
 * The anchor GitHub (github-slugger) gives each heading, in order: lower case, punctuation dropped,
 * spaces as `-`, a repeated slug numbered `-1`, `-2`. Wire names such as "Order Completed" link right.
 */
function headingAnchors(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug);
    seen.set(slug, (count ?? -1) + 1);
    return count === undefined ? slug : `${slug}-${count + 1}`;
  });
}

/** The event docs the storefront plan asks for: one section per event with sample payloads. */
export function generateDocs(plan: CatalogJson, header: string): string {
  const title = `${plan.name} events (catalog version ${plan.version})`;
  const out: string[] = [header, `# ${title}`, ''];
  const names = Object.keys(plan.events);
  const anchors = headingAnchors([title, ...names]).slice(1);
  const functions = generatedNames(names);
  out.push('| event | description | version | destinations |', '| --- | --- | --- | --- |');
  for (const [index, [name, event]] of Object.entries(plan.events).entries())
    out.push(`| [\`${cell(name)}\`](#${anchors[index]}) | ${cell(event.description)} | ${event.version} | ${event.destinations?.join(', ') ?? 'all configured'} |`);
  out.push('');
  out.push(...reportsDocs(plan));
  for (const [name, event] of Object.entries(plan.events)) {
    const schema = event.properties as JsonSchema;
    const required = new Set(schema.required ?? []);
    out.push(`## \`${name}\``, '', event.description, '');
    if (event.properties.additionalProperties === true) out.push('Open event: properties not listed here are kept as sent (they still pass the PII and size guards).', '');
    out.push(`- Generated function: \`track${functions.get(name)}\``);
    out.push(`- Version (\`schema_version\`): ${event.version}`);
    out.push(`- Destinations: ${event.destinations?.join(', ') ?? 'every configured destination'}`);
    if (event.revenue) out.push(`- Revenue: \`${event.revenue.amount}\`${event.revenue.currency ? ` in \`${event.revenue.currency}\`` : ''} (PostHog \`$revenue\` + \`currency\`, GA4 \`value\` + \`currency\`)`);
    if (event.piiAllow.length) out.push(`- Allowed to carry personal data: ${event.piiAllow.map((p) => `\`${p}\``).join(', ')}`);
    out.push('');
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length) {
      out.push('| property | type | required | constraints | description |', '| --- | --- | --- | --- | --- |');
      for (const [key, child] of properties) out.push(`| \`${key}\` | ${typeText(child)} | ${required.has(key) ? 'yes' : 'no'} | ${cell(constraints(child))} | ${cell(child.description ?? '')} |`);
    } else out.push('No properties.');
    out.push('');
    const message = sampleMessage(plan, name, sampleObject(schema));
    out.push('Sample payloads, as each destination receives them:', '');
    out.push('PostHog capture:', '```json', JSON.stringify(toPostHogEvent(message), null, 2), '```', '');
    out.push('Webhook envelope (one of `events`):', '```json', JSON.stringify(toWebhookEnvelope(message.envelope), null, 2), '```', '');
    const mapped = ga4EventName(name);
    if (mapped.name === null) out.push('GA4: not sent (reserved name).', '');
    else {
      const { params } = ga4Params(message.envelope.properties);
      if (message.envelope.revenue) Object.assign(params, { value: message.envelope.revenue.amount, currency: message.envelope.revenue.currency });
      out.push(`GA4 (\`gtag('event', '${mapped.name}', …)\`):`, '```json', JSON.stringify(params, null, 2), '```', '');
    }
  }
  return out.join('\n');
}

function sampleMessage(plan: CatalogJson, name: string, properties: Record<string, any>): TrackMessage {
  const event = plan.events[name];
  const amount = event.revenue ? properties[event.revenue.amount] : undefined;
  const envelope: Envelope = {
    uuid: FIXED.uuid,
    event: name,
    timestamp: FIXED.timestamp,
    distinct_id: 'user_123',
    groups: Object.keys(plan.groups).includes('organization') ? { organization: 'org_456' } : {},
    properties,
    schema_version: event.version,
    catalog: { name: plan.name, version: plan.version },
    source: 'api',
    correlation_id: 'req_789',
    entity: null,
    library: { name: LIBRARY.name, version: 'x.y.z' },
    revenue: typeof amount === 'number' ? { amount, currency: event.revenue?.currency ? String(properties[event.revenue.currency]).toUpperCase() : null } : null,
  };
  return { type: 'track', uuid: FIXED.uuid, timestamp: FIXED.timestamp, source: 'api', library: envelope.library, envelope };
}
