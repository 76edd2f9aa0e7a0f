/** Base class of every error trackplan throws; `name` survives bundling and realms. */
export class TrackplanError extends Error {
  readonly isTrackplanError = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.startsWith('[trackplan]') ? message : `[trackplan] ${message}`, options);
    this.name = 'TrackplanError';
  }
}

/** A configuration mistake found at start-up: the message says what to fix. */
export class TrackplanConfigError extends TrackplanError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrackplanConfigError';
  }
}

/** An event or message that breaks the catalog; thrown only under `validation: 'throw'`. */
export class CatalogViolationError extends TrackplanError {
  constructor(
    message: string,
    readonly violations: readonly import('./types').Violation[],
  ) {
    super(message);
    this.name = 'CatalogViolationError';
  }
}

/** Works across realms and bundled copies, unlike `instanceof`. */
export function isTrackplanError(value: unknown): value is TrackplanError {
  return typeof value === 'object' && value !== null && (value as { isTrackplanError?: unknown }).isTrackplanError === true;
}
