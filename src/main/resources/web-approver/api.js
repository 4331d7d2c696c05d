/*
 * The device API client: where the API is (from the page's own address), the server's clock (from
 * HTTP Date headers) and one signed call. Pure apart from the fetch it is given.
 */
import { makeProof, utf8 } from './crypto.js';

/** "/realms/demo/approval-guard/app/" -> { apiBase: origin + "/realms/demo/approval-guard", realm: "demo" } */
export function locateApi(origin, pathname) {
  const match = /^(.*)\/approval-guard\/app(?:\/.*)?$/.exec(pathname);
  if (!match) return null;
  const realmMatch = /\/realms\/([^/]+)$/.exec(match[1]);
  let realm = realmMatch ? realmMatch[1] : '';
  try { realm = decodeURIComponent(realm); } catch (e) { /* keep the raw segment */ }
  return { apiBase: origin + match[1] + '/approval-guard', realm: realm };
}

/**
 * The server's time, as far as its Date headers tell. The server accepts iat within 60 s of its
 * clock; phones with a wrong clock would otherwise fail every request.
 */
export function createServerClock(nowMillis = () => Date.now()) {
  let offsetSeconds = 0;
  return {
    nowSeconds() {
      return Math.floor(nowMillis() / 1000) + offsetSeconds;
    },
    learn(response) {
      const date = Date.parse(response.headers.get('Date') || '');
      if (isNaN(date)) return;
      const offset = Math.round((date - nowMillis()) / 1000);
      // Date has 1 s resolution and the response took some time: ignore small differences.
      offsetSeconds = Math.abs(offset) > 5 ? offset : 0;
    },
  };
}

/**
 * A function for signed calls to the API under `apiBase`:
 * call(privateKey, device, method, path, body, query, signal) returns { ok, status, data, error, description }
 * and never throws: a network failure is reported as status 0 / error "network_error", a request
 * cancelled through the AbortSignal `signal` as error "aborted".
 */
export function createApiClient(apiBase, clock, fetchImpl = (url, init) => fetch(url, init)) {
  return async function call(privateKey, device, method, path, body, query, signal) {
    const url = apiBase + path; // the proof's htu: the URL without its query

    // Encode once: the same bytes are hashed into bh and sent on the wire.
    const bodyBytes = body === undefined ? null : utf8(JSON.stringify(body));
    const headers = { Accept: 'application/json' };
    if (bodyBytes) headers['Content-Type'] = 'application/json';
    let response;
    try {
      headers['Device-Proof'] = await makeProof(privateKey, device, method, url, bodyBytes, clock.nowSeconds());
      response = await fetchImpl(url + (query || ''), {
        method: method, headers: headers, body: bodyBytes,
        credentials: 'omit', cache: 'no-store', redirect: 'error', signal: signal,
      });
    } catch (e) {
      if (e && e.name === 'AbortError') return { ok: false, status: 0, error: 'aborted', description: 'The request was cancelled.' };
      return { ok: false, status: 0, error: 'network_error', description: 'The server could not be reached.' };
    }
    clock.learn(response);
    let data = null;
    if ((response.headers.get('Content-Type') || '').includes('json')) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    const result = { ok: response.ok, status: response.status, data: data, error: null, description: null };
    if (!response.ok) {
      result.error = (data && typeof data.error === 'string') ? data.error : 'http_' + response.status;
      result.description = (data && typeof data.error_description === 'string')
        ? data.error_description : 'The server answered with HTTP ' + response.status + '.';
    }
    return result;
  };
}

/** Where the account's own settings are: the Account Console's "Signing in" page of this realm. */
export function accountSecurityUrl(apiBase) {
  return apiBase.replace(/\/approval-guard$/, '') + '/account/account-security/signing-in';
}
