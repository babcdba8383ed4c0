/** Shared by the browser tests: the brokers the test runner started, and small waiting helpers. */
export interface TestBrokers {
  open: string;
  secured: string;
  /** Secured too, with the same secret; restarted by the test runner on request (see web-test-runner.config.mjs). */
  renewal: string;
  shortTurn: string;
  unreachable: string;
  tokens: Record<'valid' | 'valid2' | 'valid3' | 'otherRoom' | 'expired' | 'forged', string>;
}

export const brokers = (globalThis as unknown as { RTC_TEST: TestBrokers }).RTC_TEST;

/** Waits until `check` is true, polling; fails with `what` after `timeout` ms. */
export async function until(check: () => boolean, what: string, timeout = 20000): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The promise's rejection, or a failure if it resolved. */
export async function rejection(p: Promise<unknown>): Promise<{ name: string; code: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; code: string };
  }
  throw new Error('expected a rejection');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const uniqueRoom = (prefix = 'room') =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Until `<rtc-call>` is drawn in full: while a call that began by itself connects, it draws only the videos (its base
 * is `aria-busy`), and the rest after the first picture from someone else. Not yet rendered at all is not drawn.
 */
export const drawn = (el: HTMLElement) =>
  until(
    () => el.shadowRoot?.querySelector('[part~="base"]')?.hasAttribute('aria-busy') === false,
    `${el.id || el.getAttribute('name')} drawn in full`,
  );
