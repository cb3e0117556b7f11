// Debian's Chromium, as the e2e tests (test/e2e/browser.ts) and the Lighthouse bench (bench/lighthouse-run.mjs)
// launch it: the flags from ../shared/TOOLCHAIN.md, including the resolver rule that keeps it on 127.0.0.1.
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];
