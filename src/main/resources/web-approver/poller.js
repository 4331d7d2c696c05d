/*
 * Asking for one device's challenges while the page is visible: the server holds each request
 * until a challenge exists (up to the wait asked for), so the next one is asked at once; a quick
 * empty answer (a server that does not hold) is asked again after 2 s; errors back off.
 */

const POLL_INTERVAL_MS = 2000;
const MAX_BACKOFF_MS = 30000;

/**
 * Starts asking. `ask()` resolves to an API client result; `onResult(result)` shows it. Stops for
 * good on unknown_device (the device was removed on the server), or when stop() is called;
 * kick() asks at once, as when the page becomes visible again.
 */
export function createPoller(ask, onResult, isHidden = () => document.hidden) {
  let timer = null;
  let running = false;
  let stopped = false;
  let failures = 0;
  let held = false;

  async function tick() {
    timer = null;
    if (stopped || running || isHidden()) return; // resumed by kick()
    running = true;
    const askedAt = Date.now();
    try {
      const result = await ask();
      held = Date.now() - askedAt >= 1000;
      if (stopped) return;
      if (result.ok) {
        failures = 0;
      } else {
        failures++;
        // removed on the server: polling again cannot succeed
        if (result.error === 'unknown_device') stopped = true;
      }
      onResult(result);
    } finally {
      running = false;
      schedule(); // even if rendering threw, keep polling
    }
  }

  function schedule() {
    if (stopped || timer) return;
    const delay = failures ? Math.min(POLL_INTERVAL_MS * 2 ** failures, MAX_BACKOFF_MS) : (held ? 0 : POLL_INTERVAL_MS);
    timer = setTimeout(tick, delay);
  }

  tick();
  return {
    kick() { if (!stopped && !running) { clearTimeout(timer); tick(); } },
    stop() { stopped = true; clearTimeout(timer); },
  };
}
