import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, hasChromium } from './chromium';
import { startReceiver, type Receiver } from './receiver';

/** A receiver on 127.0.0.1 and, where installed, Chromium for a test file; both closed after it. */
export function useBrowserAndReceiver(): { browser: Browser; receiver: Receiver } {
  const env = {} as { browser: Browser; receiver: Receiver };
  beforeAll(async () => {
    env.receiver = await startReceiver();
    if (hasChromium) env.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.receiver?.close();
  });
  return env;
}
