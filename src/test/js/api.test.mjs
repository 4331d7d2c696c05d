/* The API client sends exactly what the server checks (docs/device-api.md) and reports every failure as a result. */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  accountSecurityUrl, createApiClient, createServerClock, locateApi,
} from '../../main/resources/web-approver/api.js';
import { base64url, sha256 } from '../../main/resources/web-approver/crypto.js';

const API_BASE = 'https://idp.example/realms/demo/approval-guard';
const decodeJson = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function response(status, { json, type = 'application/json', date = null } = {}) {
  const headers = { 'content-type': type, date: date };
  return {
    ok: status >= 200 && status < 300,
    status: status,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    json: async () => (typeof json === 'string' ? JSON.parse(json) : json),
  };
}

/** A client whose fetch records each request and answers with `answer`. */
function client(answer, clock = createServerClock(() => 1763800000 * 1000)) {
  const requests = [];
  const call = createApiClient(API_BASE, clock, async (url, init) => {
    requests.push({ url, init });
    return typeof answer === 'function' ? answer(url, init) : answer;
  });
  return { call, requests, clock };
}

let keys;
const device = { device_id: 'dev-1', user_id: 'user-1' };
async function privateKey() {
  keys = keys || await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return keys.privateKey;
}

test('a request for challenges: the query on the wire, not in the proof; no body, no cookies', async () => {
  const { call, requests } = client(response(200, { json: { challenges: [] } }));
  const result = await call(await privateKey(), device, 'GET', '/device/challenges', undefined, '?wait=25');

  assert.deepEqual(result, { ok: true, status: 200, data: { challenges: [] }, error: null, description: null });
  assert.equal(requests.length, 1);
  const { url, init } = requests[0];
  assert.equal(url, API_BASE + '/device/challenges?wait=25');
  assert.equal(init.method, 'GET');
  assert.equal(init.body, null);
  assert.deepEqual(Object.keys(init.headers), ['Accept', 'Device-Proof']);
  assert.equal(init.headers.Accept, 'application/json');
  assert.equal(init.credentials, 'omit');
  assert.equal(init.cache, 'no-store');
  assert.equal(init.redirect, 'error');
  const claims = decodeJson(init.headers['Device-Proof'].split('.')[1]);
  assert.equal(claims.htm, 'GET');
  assert.equal(claims.htu, API_BASE + '/device/challenges');
  assert.equal(claims.iat, 1763800000);
  assert.equal(claims.sub, 'user-1');
  assert.equal(claims.bh, undefined);
});

test('an answer: the body is sent as the very bytes its hash in the proof covers', async () => {
  const { call, requests } = client(response(200, { json: { status: 'approved' } }));
  const body = { decision: 'approve', context_hash: 'h4sh', code: '042' };
  const result = await call(await privateKey(), device, 'POST', '/device/challenges/c%2F1/answer', body);

  assert.equal(result.ok, true);
  assert.deepEqual(result.data, { status: 'approved' });
  const { url, init } = requests[0];
  assert.equal(url, API_BASE + '/device/challenges/c%2F1/answer');
  assert.equal(init.method, 'POST');
  assert.ok(init.body instanceof Uint8Array);
  assert.equal(Buffer.from(init.body).toString('utf8'), '{"decision":"approve","context_hash":"h4sh","code":"042"}');
  assert.deepEqual(Object.keys(init.headers), ['Accept', 'Content-Type', 'Device-Proof']);
  assert.equal(init.headers['Content-Type'], 'application/json');
  const claims = decodeJson(init.headers['Device-Proof'].split('.')[1]);
  assert.equal(claims.htu, API_BASE + '/device/challenges/c%2F1/answer');
  assert.equal(claims.bh, base64url(await sha256(init.body)));
});

test('an error answer is reported by its error code and description', async () => {
  const { call } = client(response(401, { json: { error: 'unknown_device', error_description: 'No such device.' } }));
  assert.deepEqual(await call(await privateKey(), device, 'DELETE', '/device'),
    { ok: false, status: 401, data: { error: 'unknown_device', error_description: 'No such device.' },
      error: 'unknown_device', description: 'No such device.' });
});

test('an answer that is not JSON is reported by its HTTP status', async () => {
  const { call } = client(response(502, { type: 'text/html' }));
  assert.deepEqual(await call(await privateKey(), device, 'DELETE', '/device'),
    { ok: false, status: 502, data: null, error: 'http_502', description: 'The server answered with HTTP 502.' });
  const broken = client(response(500, { json: '{not json' }));
  const result = await broken.call(await privateKey(), device, 'DELETE', '/device');
  assert.equal(result.data, null);
  assert.equal(result.error, 'http_500');
});

test('a network failure is a result with status 0, never an exception', async () => {
  const { call } = client(() => { throw new TypeError('Failed to fetch'); });
  assert.deepEqual(await call(await privateKey(), device, 'GET', '/device/challenges'),
    { ok: false, status: 0, error: 'network_error', description: 'The server could not be reached.' });
});

test('a request cancelled through its signal is a result too: "aborted"', async () => {
  const controller = new AbortController();
  const { call, requests } = client((url, init) => {
    init.signal.throwIfAborted();
    return response(200, { json: {} });
  });
  controller.abort();
  assert.deepEqual(await call(await privateKey(), device, 'GET', '/device/challenges', undefined, '?wait=25', controller.signal),
    { ok: false, status: 0, error: 'aborted', description: 'The request was cancelled.' });
  assert.equal(requests[0].init.signal, controller.signal);
});

test('the proof is dated by the server clock learnt from the Date header', async () => {
  const now = Date.UTC(2025, 10, 22, 8, 0, 0);
  const clock = createServerClock(() => now);
  const { call, requests } = client(response(200, { json: {}, date: new Date(now + 120000).toUTCString() }), clock);
  await call(await privateKey(), device, 'GET', '/device/challenges');
  assert.equal(clock.nowSeconds(), now / 1000 + 120);
  await call(await privateKey(), device, 'GET', '/device/challenges');
  assert.equal(decodeJson(requests[1].init.headers['Device-Proof'].split('.')[1]).iat, now / 1000 + 120);
});

test('small clock differences and unreadable dates are ignored', () => {
  const now = Date.UTC(2025, 10, 22, 8, 0, 0);
  const clock = createServerClock(() => now);
  clock.learn(response(200, { date: new Date(now - 300000).toUTCString() }));
  assert.equal(clock.nowSeconds(), now / 1000 - 300);
  clock.learn(response(200, { date: 'yesterday-ish' }));
  assert.equal(clock.nowSeconds(), now / 1000 - 300);
  clock.learn(response(200, { date: new Date(now + 4000).toUTCString() }));
  assert.equal(clock.nowSeconds(), now / 1000);
});

test('the API is found from the page address, under any context path', () => {
  assert.deepEqual(locateApi('https://idp.example', '/realms/demo/approval-guard/app/'),
    { apiBase: 'https://idp.example/realms/demo/approval-guard', realm: 'demo' });
  assert.deepEqual(locateApi('https://idp.example', '/auth/realms/my%20realm/approval-guard/app'),
    { apiBase: 'https://idp.example/auth/realms/my%20realm/approval-guard', realm: 'my realm' });
  assert.equal(locateApi('https://idp.example', '/realms/%E0%A4/approval-guard/app/index.html').realm, '%E0%A4');
  assert.equal(locateApi('https://idp.example', '/realms/demo/account/'), null);
});

test('the account settings are the realm account console page "Signing in"', () => {
  assert.equal(accountSecurityUrl(API_BASE), 'https://idp.example/realms/demo/account/account-security/signing-in');
});
