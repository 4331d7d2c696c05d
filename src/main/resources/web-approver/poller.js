/*
 * Asking for one device's challenges while the page is visible: the server holds each request
 * until a challenge exists (up to the wait asked for), so the next one is asked at once; a quick
 * empty answer (a server that does not hold) is asked again after 2 s; errors back off.
 * kick() asks anew at once, cancelling a request still held: it comes when a push says a request
 * waits or when the page is shown again, and a phone that slept or changed networks may hold a
 * request whose connection is long dead.
 */

const POLL_INTERVAL_MS = 2000;
const MAX_BACKOFF_MS = 30000;

/**
 * Starts asking. `ask(signal)` resolves to an API client result (error "aborted" once `signal`
 * aborts); `onResult(result)` shows it. Stops for good on unknown_device (the device was removed
 * on the server), or when stop() is called.
 */
export function createPoller(ask, onResult, isHidden = () => document.hidden) {
  let timer = null;
  let running = false;
  let stopped = false;
  let failures = 0;
  let held = false;
  let current = null; // the AbortController of the request in flight
  let again = false; // kicked while asking: ask anew as soon as that request has ended

  async function tick() {
    timer = null;
    if (stopped || running || isHidden()) return; // resumed by kick()
    running = true;
    current = new AbortController();
    const askedAt = Date.now();
    try {
      const result = await ask(current.signal);
      held = Date.now() - askedAt >= 1000;
      if (stopped || result.error === 'aborted') return;
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
      current = null;
      if (again && !stopped) {
        again = false;
        clearTimeout(timer);
        tick();
      } else {
        schedule(); // even if rendering threw, keep polling
      }
    }
  }

  function schedule() {
    if (stopped || timer) return;
    const delay = failures ? Math.min(POLL_INTERVAL_MS * 2 ** failures, MAX_BACKOFF_MS) : (held ? 0 : POLL_INTERVAL_MS);
    timer = setTimeout(tick, delay);
  }

  tick();
  return {
    /** A hidden page does not ask (its polling resumes when it is shown): nothing to do then. */
    kick() {
      if (stopped || isHidden()) return;
      if (running) {
        again = true;
        current.abort();
      } else {
        clearTimeout(timer);
        tick();
      }
    },
    stop() { stopped = true; clearTimeout(timer); if (current) current.abort(); },
  };
}
