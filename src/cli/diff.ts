import type { JsonSchema } from '../core/json-schema';
import type { CatalogJson } from './load-catalog';

export interface Change {
  kind: 'additive' | 'breaking';
  event: string;
  property?: string;
  message: string;
}

const typeOf = (s: JsonSchema) => JSON.stringify(s.anyOf ? s.anyOf.map((a) => a.type).sort() : s.type ?? null);

/** Compares two plans: every change classified additive or breaking. */
export function diffCatalogs(before: CatalogJson, after: CatalogJson): Change[] {
  const changes: Change[] = [];
  for (const name of Object.keys(before.events)) if (!after.events[name]) changes.push({ kind: 'breaking', event: name, message: 'event removed' });
  for (const [name, next] of Object.entries(after.events)) {
    const previous = before.events[name];
    if (!previous) {
      changes.push({ kind: 'additive', event: name, message: 'new event' });
      continue;
    }
    const a = previous.properties as JsonSchema;
    const b = next.properties as JsonSchema;
    const requiredA = new Set(a.required ?? []);
    const requiredB = new Set(b.required ?? []);
    const propsA = a.properties ?? {};
    const propsB = b.properties ?? {};
    const removed = Object.keys(propsA).filter((k) => !(k in propsB));
    const added = Object.keys(propsB).filter((k) => !(k in propsA));
    for (const key of removed) {
      const renamedTo = added.find((k) => typeOf(propsB[k]) === typeOf(propsA[key]) && requiredB.has(k) === requiredA.has(key));
      changes.push({ kind: 'breaking', event: name, property: key, message: renamedTo ? `renamed to "${renamedTo}"` : 'property removed' });
    }
    for (const key of added) {
      if (removed.some((r) => typeOf(propsA[r]) === typeOf(propsB[key]) && requiredA.has(r) === requiredB.has(key))) continue;
      changes.push({ kind: requiredB.has(key) ? 'breaking' : 'additive', event: name, property: key, message: requiredB.has(key) ? 'new required property' : 'new optional property' });
    }
    for (const key of Object.keys(propsB).filter((k) => k in propsA)) {
      const pa = propsA[key];
      const pb = propsB[key];
      if (typeOf(pa) !== typeOf(pb)) changes.push({ kind: 'breaking', event: name, property: key, message: `type changed from ${typeOf(pa)} to ${typeOf(pb)}` });
      if (!requiredA.has(key) && requiredB.has(key)) changes.push({ kind: 'breaking', event: name, property: key, message: 'optional became required' });
      if (requiredA.has(key) && !requiredB.has(key)) changes.push({ kind: 'additive', event: name, property: key, message: 'required became optional' });
      if (pa.enum || pb.enum) {
        const ea = new Set((pa.enum ?? []).map((v) => JSON.stringify(v)));
        const eb = new Set((pb.enum ?? []).map((v) => JSON.stringify(v)));
        const lost = [...ea].filter((v) => !eb.has(v));
        const gained = [...eb].filter((v) => !ea.has(v));
        if (!pb.enum && pa.enum) changes.push({ kind: 'additive', event: name, property: key, message: 'enum loosened to any value' });
        else if (lost.length) changes.push({ kind: 'breaking', event: name, property: key, message: `enum narrowed (removed ${lost.join(', ')})` });
        if (pb.enum && gained.length && pa.enum) changes.push({ kind: 'additive', event: name, property: key, message: `enum widened (added ${gained.join(', ')})` });
        if (pb.enum && !pa.enum) changes.push({ kind: 'breaking', event: name, property: key, message: 'restricted to an enum' });
      }
      for (const [bound, tighter] of [['maxLength', 'lower'], ['maximum', 'lower'], ['maxItems', 'lower'], ['exclusiveMaximum', 'lower'], ['minLength', 'higher'], ['minimum', 'higher'], ['minItems', 'higher'], ['exclusiveMinimum', 'higher']] as const) {
        const x = pa[bound] as number | undefined;
        const y = pb[bound] as number | undefined;
        if (x === y) continue;
        const tightened = (x === undefined && y !== undefined) || (x !== undefined && y !== undefined && (tighter === 'lower' ? y < x : y > x));
        changes.push({ kind: tightened ? 'breaking' : 'additive', event: name, property: key, message: `${bound} ${tightened ? 'tightened' : 'loosened'} (${x ?? 'none'} → ${y ?? 'none'})` });
      }
      if ((pa.pattern ?? null) !== (pb.pattern ?? null) || (pa.format ?? null) !== (pb.format ?? null)) {
        const added = (!pa.pattern && pb.pattern) || (!pa.format && pb.format) || (pa.pattern && pb.pattern) || (pa.format && pb.format);
        changes.push({ kind: added ? 'breaking' : 'additive', event: name, property: key, message: added ? 'pattern or format tightened' : 'pattern or format removed' });
      }
    }
  }
  return changes;
}

/** Breaking changes that come without a bumped `version` on their event. */
export function unversionedBreaks(before: CatalogJson, after: CatalogJson, changes: Change[]): Change[] {
  // A removed event has no version left to bump: the catalog's own version must move instead.
  return changes.filter((c) => c.kind === 'breaking' && (after.events[c.event] ? after.events[c.event].version <= before.events[c.event].version : after.version <= before.version));
}
