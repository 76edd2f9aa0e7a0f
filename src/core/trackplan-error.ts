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
