// Helpers shared by the GUI tests: a WebDriver session on the app through tauri-driver, polling
// until a check holds, and finding the displayed element with an accessible name (hidden
// duplicates, such as a closed dialog's, skipped).

import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

/** A WebDriver session on `application` (started with `args`) through tauri-driver on `port`. */
export function windowSession(port, application, args = []) {
  return remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    capabilities: {
      browserName: 'wry',
      // webdriverio 9 otherwise asks for BiDi, which tauri-driver does not offer.
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application, args },
    },
  });
}

/** Polls `check` until it returns something truthy; fails naming `what` and the last result. */
export async function until(what, check, { timeout = 20000, every = 150 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** The displayed element under `scope` whose accessible name is exactly `name`. */
export async function named(scope, name, { timeout = 15000 } = {}) {
  return until(`"${name}" to be displayed`, async () => {
    for (const element of await scope.$$(`aria/${name}`)) {
      if (await element.isDisplayed()) return element;
    }
    return false;
  }, { timeout });
}
