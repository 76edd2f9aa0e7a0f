import type { TrackerStats } from '../core/types';

/** Something with stats: a tracker, a generated client, or the stats themselves. */
export type StatsSource = TrackerStats | { stats(): TrackerStats };

/**
 * Checks the books of every destination: `routed == delivered + dropped + pending`, i.e. every
 * message handed to a destination is delivered, counted as dropped (with a reason) or still pending.
 * Throws a plain `Error` naming the destination and its numbers; works in any test runner.
 * @example await tracker.flush(); assertBooks(tracker);
 */
export function assertBooks(source: StatsSource): void {
  const stats = 'stats' in source && typeof source.stats === 'function' ? source.stats() : (source as TrackerStats);
  const destinations = stats?.destinations;
  if (!destinations || typeof destinations !== 'object') throw new Error('[trackplan] [testing] assertBooks(stats): expected tracker.stats() (or a tracker), got ' + JSON.stringify(stats));
  const unbalanced: string[] = [];
  for (const [name, d] of Object.entries(destinations)) {
    const dropped = Object.values(d.dropped).reduce<number>((sum, count) => sum + (count ?? 0), 0);
    if (d.routed === d.delivered + dropped + d.pending) continue;
    const reasons = Object.entries(d.dropped).map(([reason, count]) => `${reason}: ${count}`).join(', ');
    unbalanced.push(
      `  "${name}": routed ${d.routed} != delivered ${d.delivered} + dropped ${dropped}${reasons ? ` (${reasons})` : ''} + pending ${d.pending} = ${d.delivered + dropped + d.pending}`,
    );
  }
  if (unbalanced.length)
    throw new Error(`[trackplan] [testing] the books do not balance (routed must equal delivered + dropped + pending): a message was lost or counted twice:\n${unbalanced.join('\n')}`);
}
