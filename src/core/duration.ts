import { TrackplanConfigError } from './errors';

/** A duration as catalogs write it: `<n>m`, `<n>h`, `<n>d` or `<n>w` (`'30m'`, `'7d'`, `'2w'`). */
export type Duration = `${number}${'m' | 'h' | 'd' | 'w'}`;

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION_PATTERN = /^([1-9][0-9]{0,5})(m|h|d|w)$/;

/** Seconds in a duration string; throws a TrackplanConfigError naming `where` on a malformed one. */
export function durationSeconds(value: unknown, where: string): number {
  const match = typeof value === 'string' ? DURATION_PATTERN.exec(value) : null;
  if (!match) throw new TrackplanConfigError(`${where}: a duration is a positive whole number and a unit, m, h, d or w (e.g. '7d'); got ${JSON.stringify(value)}.`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
