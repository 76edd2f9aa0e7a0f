import { existsSync } from 'node:fs';

/** Debian's Chromium, never a downloaded browser; flags that keep it off the closed network. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** CI installs it (.ci/run); on a laptop without it the browser tests say so and skip. */
export const hasChromium = existsSync(CHROMIUM_PATH);
