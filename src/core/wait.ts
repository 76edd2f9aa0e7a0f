/**
 * Waits for `promise` or `ms` milliseconds, whichever comes first; a rejection counts as done. The
 * timer is cleared either way, and not unref'd: whoever awaits this keeps the process up that long.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  try {
    await Promise.race([promise.then(ignore, ignore), expired]);
  } finally {
    clearTimeout(timer);
  }
}

const ignore = (): void => {};
