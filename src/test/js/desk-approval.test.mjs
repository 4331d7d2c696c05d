/*
 * Approving on the device as the desk follows it (governance-desk/approval.js): the code shown,
 * GET .../approvals/{id} every 2 s, and moving on by itself when the device answers, when the
 * challenge or the request ends, or with the server's own words when it refuses. The timer is a
 * fake one the test runs by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createApproval, outcomeOf, POLL_INTERVAL_MS } from '../../main/resources/governance-desk/approval.js';
import { createApi } from '../../main/resources/governance-desk/api.js';

function fakeTimers() {
  const pending = [];
  return {
    pending,
    set(fn, ms) { const handle = { fn, ms }; pending.push(handle); return handle; },
    clear(handle) { const i = pending.indexOf(handle); if (i >= 0) pending.splice(i, 1); },
    async fire() {
      const handle = pending.shift();
      assert.ok(handle, 'a poll is scheduled');
      await handle.fn();
      return handle.ms;
    },
  };
}

const ok = (data) => ({ ok: true, status: 200, data, error: null, description: null });
const err = (status, error, description) => ({ ok: false, status, data: null, error, description });

/** An API stand-in answering from a script: [method, path] -> result, in order. */
function scriptedCall(script) {
  const calls = [];
  const call = async (method, path) => {
    calls.push(method + ' ' + path);
    const next = script.shift();
    assert.ok(next, 'unexpected call ' + method + ' ' + path);
    return typeof next === 'function' ? next(method, path) : next;
  };
  return { call, calls };
}

const OPENED = ok({ challenge_id: 'ch/1', code: '493027', expires_at: 1764640400, device_notified: true });
const status = (s, requestState = 'pending') => ok({ challenge_id: 'ch/1', status: s, expires_at: 1764640400, request_state: requestState });

test('the code is shown, the page asks every 2 s, and moves on by itself when the device approves', async () => {
  const timers = fakeTimers();
  const { call, calls } = scriptedCall([OPENED, status('pending'), status('pending'), status('approved', 'applied')]);
  const seen = [];
  const approval = createApproval('req 1', call, (s) => seen.push(s), timers);
  await approval.start();
  assert.deepEqual(calls, ['POST /governance/requests/req%201/approvals']);
  assert.equal(approval.state.phase, 'waiting');
  assert.equal(approval.state.code, '493027');
  assert.equal(await timers.fire(), POLL_INTERVAL_MS);
  assert.equal(await timers.fire(), POLL_INTERVAL_MS);
  assert.equal(approval.state.phase, 'waiting');
  await timers.fire();
  assert.equal(calls[3], 'GET /governance/requests/req%201/approvals/ch%2F1');
  assert.deepEqual({ phase: approval.state.phase, status: approval.state.status, requestState: approval.state.requestState, kind: approval.state.kind },
    { phase: 'done', status: 'approved', requestState: 'applied', kind: 'success' });
  assert.equal(timers.pending.length, 0, 'no more polling');
  assert.deepEqual(seen.map((s) => s.phase), ['starting', 'waiting', 'waiting', 'waiting', 'done']);
});

test('every way a challenge ends is final, with its own words', () => {
  for (const s of ['approved', 'consumed', 'denied', 'fraud', 'failed', 'expired', 'superseded', 'cancelled', 'strange']) {
    const outcome = outcomeOf(s, 'pending');
    assert.equal(outcome.final, true, s);
    assert.ok(outcome.text.length > 10, s);
  }
  assert.equal(outcomeOf('pending', 'pending').final, false);
  const closed = outcomeOf('pending', 'cancelled');
  assert.equal(closed.final, true, 'the request closed while the device had not answered');
  assert.match(closed.text, /cancelled/);
  assert.match(outcomeOf('failed').text, /wrong code/);
});

test('a denial on the device ends the approval', async () => {
  const timers = fakeTimers();
  const { call } = scriptedCall([OPENED, status('denied', 'denied')]);
  const approval = createApproval('r', call, () => {}, timers);
  await approval.start();
  await timers.fire();
  assert.equal(approval.state.phase, 'done');
  assert.equal(approval.state.status, 'denied');
  assert.equal(approval.state.requestState, 'denied');
});

test('a refusal to open shows the server\'s description as it comes', async () => {
  const timers = fakeTimers();
  const { call } = scriptedCall([err(403, 'no_approver_device', 'you cannot approve now: no active device; enrol an Approval Guard device first')]);
  const approval = createApproval('r', call, () => {}, timers);
  await approval.start();
  assert.deepEqual(approval.state, { phase: 'refused', error: 'no_approver_device',
    text: 'you cannot approve now: no active device; enrol an Approval Guard device first' });
  assert.equal(timers.pending.length, 0);
});

test('passing trouble keeps the code and asks again, more slowly; a real refusal ends it', async () => {
  const timers = fakeTimers();
  const { call } = scriptedCall([OPENED, err(0, 'network_error', 'The server could not be reached.'),
    err(503, 'http_503', 'busy'), status('pending'), err(404, 'challenge_not_found', 'no approval challenge ch/1 of yours on this request')]);
  const approval = createApproval('r', call, () => {}, timers);
  await approval.start();
  assert.equal(await timers.fire(), 2000);
  assert.equal(approval.state.phase, 'waiting');
  assert.equal(approval.state.code, '493027');
  assert.equal(approval.state.notice, 'The server could not be reached.');
  assert.equal(await timers.fire(), 4000, 'backs off');
  assert.equal(await timers.fire(), 8000);
  assert.equal(approval.state.notice, null, 'recovered');
  assert.equal(await timers.fire(), 2000);
  assert.equal(approval.state.phase, 'done');
  assert.equal(approval.state.kind, 'error');
  assert.equal(approval.state.text, 'no approval challenge ch/1 of yours on this request');
});

test('leaving the page stops the polling, also with an answer on its way', async () => {
  const timers = fakeTimers();
  let release;
  const { call, calls } = scriptedCall([OPENED, () => new Promise((r) => { release = r; })]);
  const seen = [];
  const approval = createApproval('r', call, (s) => seen.push(s.phase), timers);
  await approval.start();
  const firing = timers.fire();
  approval.stop();
  release(status('approved', 'applied'));
  await firing;
  assert.deepEqual(seen, ['starting', 'waiting']);
  assert.equal(timers.pending.length, 0);
  assert.equal(calls.length, 2);
});

// ------------------------------------------------------------------------------ the API client

function fakeFetch(answers) {
  const seen = [];
  const impl = async (url, init) => {
    seen.push({ url, init });
    const [status, body] = answers.shift();
    if (status === 0) throw new TypeError('Failed to fetch');
    return { ok: status < 300, status, headers: { get: (name) => (name === 'Content-Type' ? 'application/json' : null) }, json: async () => body };
  };
  return { impl, seen };
}

test('the API client sends the bearer token and passes error descriptions on as they come', async () => {
  const { impl, seen } = fakeFetch([[409, { error: 'request_not_pending', error_description: 'the change request is cancelled, not pending' }]]);
  const tokens = { accessToken: async () => 'AT' };
  const call = createApi('https://id.example/realms/r/approval-guard', tokens, () => assert.fail('not signed out'), impl);
  const result = await call('POST', '/governance/requests/x/approvals');
  assert.equal(result.ok, false);
  assert.equal(result.status, 409);
  assert.equal(result.error, 'request_not_pending');
  assert.equal(result.description, 'the change request is cancelled, not pending');
  assert.equal(seen[0].url, 'https://id.example/realms/r/approval-guard/governance/requests/x/approvals');
  assert.equal(seen[0].init.headers.Authorization, 'Bearer AT');
  assert.equal(seen[0].init.credentials, 'omit');
  assert.equal(seen[0].init.body, undefined);
});

test('a 401 refreshes the token once and asks again; a second 401 signs in again', async () => {
  const forced = [];
  const tokens = { accessToken: async (force) => { forced.push(!!force); return force ? 'AT2' : 'AT1'; } };
  let { impl, seen } = fakeFetch([[401, { error: 'invalid_token', error_description: 'x' }], [200, { requests: [] }]]);
  let signedOut = 0;
  let call = createApi('https://b', tokens, () => signedOut++, impl);
  const result = await call('GET', '/governance/requests');
  assert.equal(result.ok, true);
  assert.deepEqual(seen.map((s) => s.init.headers.Authorization), ['Bearer AT1', 'Bearer AT2']);
  assert.deepEqual(forced, [false, true]);
  assert.equal(signedOut, 0);

  ({ impl, seen } = fakeFetch([[401, {}], [401, {}]]));
  call = createApi('https://b', tokens, () => signedOut++, impl);
  assert.equal((await call('GET', '/x')).status, 401);
  assert.equal(signedOut, 1);

  const over = createApi('https://b', { accessToken: async () => null }, () => signedOut++, impl);
  assert.equal((await over('GET', '/x')).error, 'signed_out');
  assert.equal(signedOut, 2);
});

test('a network failure is an answer too', async () => {
  const { impl } = fakeFetch([[0, null]]);
  const call = createApi('https://b', { accessToken: async () => 'AT' }, () => {}, impl);
  const result = await call('POST', '/governance/requests', { kind: 'x' });
  assert.equal(result.status, 0);
  assert.equal(result.error, 'network_error');
});
