import { TrackplanConfigError, isTrackplanError } from '../core/errors';

/**
 * Configuration errors of one outbox entry point (`createOutbox`, `createDispatcher`): its own, and
 * the tracker's shared option checks re-worded to name it.
 */
export function configErrorsOf(entry: 'createOutbox' | 'createDispatcher') {
  const configError = (problem: string) => new TrackplanConfigError(`[outbox] ${entry}(): ${problem}.`);
  /** Runs one of the tracker's option checks, naming this entry point in its message. */
  const named = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      if (!isTrackplanError(error)) throw error;
      throw configError(error.message.replace(/^\[trackplan\] /, '').replace(/\.$/, ''));
    }
  };
  return { configError, named };
}
