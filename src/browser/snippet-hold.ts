import { SNIPPET_HOLD_GLOBAL, SNIPPET_HOLD_LIMIT } from '../core/snippets';
import { TrackplanError } from '../core/errors';
import type { CaptureResultLike } from '../destinations/posthog-js';

type BeforeSend = (event: CaptureResultLike | null) => CaptureResultLike | null;

/** What the trackplan PostHog snippet leaves on `window` (see `posthogHold` in core/snippets.ts). */
interface SnippetHold {
  hold: BeforeSend;
  attach(guard: BeforeSend): void;
  dropped: number;
}

/**
 * Installs trackplan's guard as posthog-js's `before_send`. When trackplan's snippet is on the page,
 * posthog-js may already have captured events the snippet held for the guard: the guard runs over
 * them and they are sent. The snippet's hook stays the `before_send` (it hands everything to the
 * guard from now on), installed through `set_config` too so it holds whatever way posthog-js was set up.
 */
export function installPostHogGuard(
  win: object | undefined,
  client: { set_config(config: Record<string, unknown>): unknown },
  guard: BeforeSend,
  onError: (error: unknown) => void,
): void {
  const hold = (win as Record<string, unknown> | undefined)?.[SNIPPET_HOLD_GLOBAL] as SnippetHold | undefined;
  if (!hold || typeof hold.attach !== 'function' || typeof hold.hold !== 'function') {
    client.set_config({ before_send: guard });
    return;
  }
  client.set_config({ before_send: hold.hold });
  hold.attach(guard);
  if (hold.dropped > 0)
    onError(
      new TrackplanError(
        `[posthog] ${hold.dropped} event(s) posthog-js captured before trackplan's guard attached were dropped: the snippet holds at most ${SNIPPET_HOLD_LIMIT}. Create the tracker earlier in the page's life.`,
      ),
    );
}
