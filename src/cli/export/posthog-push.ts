import type { InsightBody } from './posthog-query';

/**
 * Upserts insights by name through PostHog's insights API with a personal API key:
 * GET /api/projects/:id/insights/?search=<name> finds one with the same name, then
 * PATCH /api/projects/:id/insights/:insight_id/, else POST /api/projects/:id/insights/.
 */
export interface PushTarget {
  host: string;
  project: string;
  apiKey: string;
}

export interface PushResult {
  name: string;
  action: 'created' | 'updated';
  id: number | string;
}

/** PostHog answered with an error, or could not be reached: the message says which and what to do. */
export class PushError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushError';
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The host as a URL origin. A personal API key may only travel over https, except to this machine
 * (a local PostHog or a test receiver).
 */
export function pushOrigin(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new PushError(`[trackplan] [export] --host must be a URL such as https://us.posthog.com (got ${JSON.stringify(host)})`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new PushError(`[trackplan] [export] --host ${host}: the personal API key is only sent over https (plain http is accepted for localhost only)`);
  return url.origin;
}

async function request(target: PushTarget, method: string, url: string, body?: unknown): Promise<any> {
  const path = new URL(url).pathname;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${target.apiKey}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
    });
  } catch (error) {
    throw new PushError(`[trackplan] [export] ${method} ${path} on ${new URL(url).origin} failed: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}. Check --host.`);
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { detail?: string; attr?: string; code?: string };
      if (parsed.detail) detail = `${parsed.detail}${parsed.attr ? ` (field ${parsed.attr})` : ''}`;
    } catch {
      // not JSON: the raw text is the detail
    }
    const hint =
      response.status === 401 || response.status === 403
        ? `Check POSTHOG_PERSONAL_API_KEY: it needs the ${path.endsWith('/groups_types/') ? 'group:read scope (or pass --organization-group-index)' : 'insight:read and insight:write scopes'} on this project.`
        : response.status === 404
          ? 'Check --project (the numeric project id in PostHog\'s URL) and --host.'
          : 'PostHog refused the insight; the files written by `trackplan export posthog-insights` show what was sent.';
    throw new PushError(`[trackplan] [export] PostHog answered ${response.status} to ${method} ${path}: ${detail || response.statusText}. ${hint}`);
  }
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new PushError(`[trackplan] [export] ${method} ${path}: PostHog answered ${response.status} with a body that is not JSON. Check --host.`);
  }
}

/** The project's live insights named `name` (the list is paginated; pages are followed on the same host). */
async function findByName(target: PushTarget, origin: string, name: string): Promise<{ id: number | string }[]> {
  const found: { id: number | string }[] = [];
  let url: string | null = `${origin}/api/projects/${encodeURIComponent(target.project)}/insights/?search=${encodeURIComponent(name)}&limit=100`;
  for (let page = 0; url && page < 50; page++) {
    const listing = (await request(target, 'GET', url)) as { results?: { id: number | string; name?: string | null; deleted?: boolean }[]; next?: string | null };
    for (const insight of listing.results ?? []) if (insight.name === name && !insight.deleted) found.push({ id: insight.id });
    url = listing.next && new URL(listing.next, origin).origin === origin ? new URL(listing.next, origin).href : null;
  }
  return found;
}

/** Creates or updates each insight, by name; stops at the first error. */
export async function pushInsights(target: PushTarget, insights: readonly InsightBody[], log: (line: string) => void = () => {}): Promise<PushResult[]> {
  const origin = pushOrigin(target.host);
  const base = `${origin}/api/projects/${encodeURIComponent(target.project)}/insights/`;
  const results: PushResult[] = [];
  for (const insight of insights) {
    const existing = await findByName(target, origin, insight.name);
    if (existing.length > 1) log(`[trackplan] [export] ${existing.length} insights are named "${insight.name}"; updating ${existing[0].id}, the first PostHog lists`);
    const answer = existing.length
      ? await request(target, 'PATCH', `${base}${encodeURIComponent(String(existing[0].id))}/`, { name: insight.name, description: insight.description, query: insight.query })
      : await request(target, 'POST', base, insight);
    results.push({ name: insight.name, action: existing.length ? 'updated' : 'created', id: (answer as { id?: number | string }).id ?? existing[0]?.id ?? '?' });
  }
  return results;
}

/**
 * The index PostHog gave the `organization` group type in the project (GET groups_types, scope
 * group:read): PostHog numbers group types 0-4 in the order a project first saw them.
 */
export async function organizationGroupIndex(target: PushTarget): Promise<number> {
  const origin = pushOrigin(target.host);
  const answer = (await request(target, 'GET', `${origin}/api/projects/${encodeURIComponent(target.project)}/groups_types/`)) as unknown;
  const types = (Array.isArray(answer) ? answer : ((answer as { results?: unknown[] }).results ?? [])) as { group_type?: string; group_type_index?: number }[];
  const organization = types.find((t) => t.group_type === 'organization');
  if (typeof organization?.group_type_index !== 'number')
    throw new PushError(
      `[trackplan] [export] project ${target.project} has no "organization" group type (it has: ${types.map((t) => t.group_type).join(', ') || 'none'}), so organization funnels cannot aggregate by it. Send one event with groups: { organization: ... } first, or pass --organization-group-index.`,
    );
  return organization.group_type_index;
}
