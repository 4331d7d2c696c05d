/*
 * The desk's sign-in (governance-desk/oidc.js): PKCE S256 as RFC 7636 computes it, the
 * authorization request, the callback checked against the stored state (used once) and nonce,
 * the code redeemed with the verifier, and tokens refreshed before they run out.
 */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  authorizationUrl, createSignIn, createTokens, jwtClaims, locateDesk, parseCallback, pkceChallenge, randomToken,
} from '../../main/resources/governance-desk/oidc.js';

const DESK = locateDesk('https://id.example', '/realms/ag%20test/approval-guard/desk/');

function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
  };
}

function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return part({ alg: 'none' }) + '.' + part(claims) + '.sig';
}

function jsonResponse(status, body) {
  return { ok: status >= 200 && status < 300, status, headers: new Map([['Content-Type', 'application/json']]), json: async () => body };
}

test('the S256 challenge of RFC 7636 appendix B', async () => {
  assert.equal(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  await assert.rejects(pkceChallenge('short'));
  await assert.rejects(pkceChallenge('a'.repeat(42) + '+'));
});

test('verifiers are 43 base64url characters from 32 random bytes, never the same', () => {
  const a = randomToken(32);
  const b = randomToken(32);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
});

test('the desk finds its realm, its own URL and the API from its address', () => {
  assert.deepEqual(DESK, {
    realm: 'ag test', realmBase: 'https://id.example/realms/ag%20test',
    pageUrl: 'https://id.example/realms/ag%20test/approval-guard/desk/',
    apiBase: 'https://id.example/realms/ag%20test/approval-guard',
  });
  assert.equal(locateDesk('https://id.example', '/realms/x/approval-guard/app/'), null);
  assert.equal(locateDesk('https://kc.example', '/auth/realms/r/approval-guard/desk/').realmBase, 'https://kc.example/auth/realms/r');
});

test('the authorization request: code flow, S256, this page as the redirect URI', () => {
  const url = new URL(authorizationUrl(DESK, { state: 'st', nonce: 'no', challenge: 'ch' }));
  assert.equal(url.origin + url.pathname, 'https://id.example/realms/ag%20test/protocol/openid-connect/auth');
  const p = Object.fromEntries(url.searchParams);
  assert.deepEqual(p, {
    client_id: 'approval-guard-desk', redirect_uri: DESK.pageUrl, response_type: 'code', response_mode: 'query',
    scope: 'openid', state: 'st', nonce: 'no', code_challenge: 'ch', code_challenge_method: 'S256',
  });
});

test('a callback is read from the query, and only a callback', () => {
  assert.equal(parseCallback(''), null);
  assert.equal(parseCallback('?foo=1'), null);
  assert.equal(parseCallback('?code=c'), null, 'no state: not ours');
  assert.deepEqual(parseCallback('?state=s&session_state=x&code=c'), { state: 's', code: 'c', error: null, errorDescription: null });
  assert.equal(parseCallback('?state=s&error=access_denied&error_description=No').errorDescription, 'No');
});

async function begun(fetchImpl) {
  const storage = memoryStorage();
  const signIn = createSignIn(DESK, storage, fetchImpl);
  const url = new URL(await signIn.begin('#/request/42'));
  return { storage, signIn, state: url.searchParams.get('state'), nonce: url.searchParams.get('nonce'),
    challenge: url.searchParams.get('code_challenge') };
}

test('the code is redeemed with the verifier whose challenge was sent, once', async () => {
  const sent = [];
  const fetchImpl = async (url, init) => {
    sent.push({ url, init });
    return jsonResponse(200, { access_token: 'AT', refresh_token: 'RT', expires_in: 300, id_token: jwt({ nonce: started.nonce }) });
  };
  const started = await begun(fetchImpl);
  const stored = JSON.parse(started.storage.getItem('approval-guard-desk.sign-in'));
  assert.equal(await pkceChallenge(stored.verifier), started.challenge);

  const done = await started.signIn.complete({ state: started.state, code: 'the-code' });
  assert.equal(done.returnTo, '#/request/42');
  assert.equal(await done.tokens.accessToken(), 'AT');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].url, 'https://id.example/realms/ag%20test/protocol/openid-connect/token');
  assert.equal(sent[0].init.credentials, 'omit');
  const form = Object.fromEntries(new URLSearchParams(sent[0].init.body));
  assert.deepEqual(form, { grant_type: 'authorization_code', code: 'the-code', redirect_uri: DESK.pageUrl,
    client_id: 'approval-guard-desk', code_verifier: stored.verifier });
  assert.equal(started.storage.items.size, 0, 'nothing of the sign-in stays in sessionStorage');

  await assert.rejects(started.signIn.complete({ state: started.state, code: 'the-code' }), { error: 'invalid_state' },
    'a replayed answer finds no sign-in');
  assert.equal(sent.length, 1);
});

test('a foreign state is refused before any request, and ends the stored sign-in', async () => {
  let fetched = 0;
  const started = await begun(async () => { fetched++; return jsonResponse(200, {}); });
  await assert.rejects(started.signIn.complete({ state: 'forged', code: 'c' }), { error: 'invalid_state' });
  assert.equal(fetched, 0);
  await assert.rejects(started.signIn.complete({ state: started.state, code: 'c' }), { error: 'invalid_state' });
});

test('an error answer and a failing token endpoint say what happened', async () => {
  let started = await begun(async () => jsonResponse(400, { error: 'invalid_grant', error_description: 'Code not valid' }));
  await assert.rejects(started.signIn.complete({ state: started.state, error: 'access_denied', errorDescription: 'User cancelled' }),
    { error: 'access_denied', description: 'User cancelled' });
  started = await begun(async () => jsonResponse(400, { error: 'invalid_grant', error_description: 'Code not valid' }));
  await assert.rejects(started.signIn.complete({ state: started.state, code: 'c' }), { error: 'invalid_grant', description: 'Code not valid' });
  started = await begun(async () => { throw new TypeError('offline'); });
  await assert.rejects(started.signIn.complete({ state: started.state, code: 'c' }), { error: 'network_error' });
});

test('an ID token for another nonce is refused', async () => {
  const started = await begun(async () => jsonResponse(200, { access_token: 'AT', id_token: jwt({ nonce: 'other' }) }));
  await assert.rejects(started.signIn.complete({ state: started.state, code: 'c' }), { error: 'invalid_nonce' });
});

test('tokens are refreshed shortly before they expire, once for many callers; a dead session signs out', async () => {
  let clock = 1000;
  let refreshes = 0;
  let refreshAnswer = () => ({ access_token: 'AT' + (refreshes + 1), refresh_token: 'RT2', expires_in: 300 });
  const tokens = createTokens({ access_token: 'AT0', refresh_token: 'RT', expires_in: 300 }, async (rt) => {
    assert.ok(rt === 'RT' || rt === 'RT2');
    const answer = refreshAnswer();
    refreshes++;
    return answer;
  }, () => clock);
  assert.equal(await tokens.accessToken(), 'AT0');
  clock += 269;
  assert.equal(await tokens.accessToken(), 'AT0', 'still 31 s left');
  clock += 2;
  const both = await Promise.all([tokens.accessToken(), tokens.accessToken()]);
  assert.deepEqual(both, ['AT1', 'AT1']);
  assert.equal(refreshes, 1);
  assert.equal(await tokens.accessToken(true), 'AT2', 'forced');
  refreshAnswer = () => { const e = new Error('x'); e.error = 'invalid_grant'; throw e; };
  assert.equal(await tokens.accessToken(true), null);
  assert.equal(tokens.isOver, true);
  assert.equal(await tokens.accessToken(), null);
});

test('the sign-out goes to Keycloak with the ID token and back to this page', () => {
  const signIn = createSignIn(DESK, memoryStorage(), async () => jsonResponse(200, {}));
  const url = new URL(signIn.signOutUrl({ idToken: 'IDT' }));
  assert.equal(url.pathname, '/realms/ag%20test/protocol/openid-connect/logout');
  assert.equal(url.searchParams.get('post_logout_redirect_uri'), DESK.pageUrl);
  assert.equal(url.searchParams.get('id_token_hint'), 'IDT');
  assert.deepEqual(jwtClaims(jwt({ nonce: 'é' })), { nonce: 'é' });
  assert.equal(jwtClaims('garbage'), null);
});
