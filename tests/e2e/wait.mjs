// Waiting helpers shared by the GUI tests: poll until a check holds, and find the displayed
// element with an accessible name (hidden duplicates, such as a closed dialog's, skipped).

import { setTimeout as sleep } from 'node:timers/promises';

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
