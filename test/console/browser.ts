/**
 * A real headless Chromium (the machine's package, /usr/bin/chromium) driven by playwright-core.
 * `launch` gives every browser a fresh user-data-dir of its own (Playwright refuses the flag and
 * makes a temporary profile, removed on close); browser contexts are isolated cookie jars.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
