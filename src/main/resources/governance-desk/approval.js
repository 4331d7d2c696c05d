/*
 * Approving on the device, as the page follows it: POST .../approvals opens a challenge on the
 * approver's own device and answers the code to show; the page then asks
 * GET .../approvals/{challengeId} every 2 s until the device has answered (or the challenge or the
 * request has ended) and moves on by itself. The page never approves: the device does.
 *
 * A state machine with its timer given to it, so the tests drive it without waiting:
 *   idle -> starting -> waiting -> done      (the device answered, or it ended otherwise)
 *                    \-> refused             (the server refused to open one: its description)
 */

export const POLL_INTERVAL_MS = 2000;
const MAX_BACKOFF_MS = 16000;

/**
 * What a challenge's status (and the request's state) means for the approver. final: whether the
 * page stops asking; kind: success, error or info; text: what to say.
 */
export function outcomeOf(status, requestState) {
  switch (status) {
    case 'approved':
    case 'consumed':
      return { final: true, kind: 'success', text: 'Your device approved the request, and your approval was counted.' };
    case 'denied':
      return { final: true, kind: 'info', text: 'Your device denied the request.' };
    case 'fraud':
      return { final: true, kind: 'error', text: 'Your device reported the request as not yours ("This wasn\'t me"). The request is denied.' };
    case 'failed':
      return { final: true, kind: 'error', text: 'A wrong code was typed on your device, so this approval is spent and did not count. Ask to approve again to get a new code.' };
    case 'expired':
      return { final: true, kind: 'error', text: 'Your device did not answer in time; this approval expired and did not count.' };
    case 'superseded':
      return { final: true, kind: 'info', text: 'A newer prompt on your device replaced this one; this approval did not count.' };
    case 'cancelled':
      return { final: true, kind: 'info', text: 'This approval was ended because the request closed; it did not count.' };
    case 'pending':
      if (requestState && requestState !== 'pending') {
        return { final: true, kind: 'info', text: 'The request is no longer pending (it is ' + requestState + '); an answer from your device does not count.' };
      }
      return { final: false, kind: null, text: 'Waiting for your device…' };
    default:
      return { final: true, kind: 'error', text: 'The approval ended (' + status + ').' };
  }
}

/**
 * One approval of one request. `call(method, path, body)` is the API client (see api.js);
 * `onChange(state)` renders; `timers` is { set(fn, ms), clear(handle) }. start() opens the
 * challenge; stop() ends the polling (the page left). The state is a fresh object each time.
 */
export function createApproval(requestId, call, onChange, timers = { set: (f, ms) => setTimeout(f, ms), clear: (h) => clearTimeout(h) }) {
  const base = '/governance/requests/' + encodeURIComponent(requestId) + '/approvals';
  let state = { phase: 'idle' };
  let timer = null;
  let stopped = false;
  let failures = 0;

  function set(next) {
    state = Object.assign({}, next);
    onChange(state);
  }

  function schedule() {
    if (stopped) return;
    const delay = failures ? Math.min(POLL_INTERVAL_MS * 2 ** failures, MAX_BACKOFF_MS) : POLL_INTERVAL_MS;
    timer = timers.set(poll, delay);
  }

  async function poll() {
    timer = null;
    if (stopped || state.phase !== 'waiting') return;
    const result = await call('GET', base + '/' + encodeURIComponent(state.challengeId));
    if (stopped) return;
    if (result.ok && result.data) {
      failures = 0;
      const outcome = outcomeOf(result.data.status, result.data.request_state);
      if (outcome.final) {
        set({ phase: 'done', status: result.data.status, requestState: result.data.request_state,
          kind: outcome.kind, text: outcome.text });
        return;
      }
      set(Object.assign({}, state, { notice: null, requestState: result.data.request_state }));
    } else if (result.status === 0 || result.status >= 500 || result.status === 429) {
      // Passing trouble: keep the code on screen and ask again, more slowly.
      failures++;
      set(Object.assign({}, state, { notice: result.description }));
    } else {
      set({ phase: 'done', status: null, kind: 'error', text: result.description });
      return;
    }
    schedule();
  }

  return {
    get state() { return state; },
    async start() {
      if (state.phase === 'starting' || state.phase === 'waiting') return;
      stopped = false;
      failures = 0;
      set({ phase: 'starting' });
      const result = await call('POST', base);
      if (stopped) return;
      if (!result.ok || !result.data || typeof result.data.code !== 'string') {
        set({ phase: 'refused', error: result.error, text: result.description || 'The approval could not be started.' });
        return;
      }
      set({ phase: 'waiting', challengeId: result.data.challenge_id, code: result.data.code,
        expiresAt: result.data.expires_at, deviceNotified: result.data.device_notified !== false, notice: null });
      schedule();
    },
    stop() {
      stopped = true;
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}
