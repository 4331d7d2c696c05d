/*
 * The governance API client (docs/governance-api.md) with the signed-in user's access token.
 * Every call answers { ok, status, data, error, description } and never throws: a network failure
 * is status 0 / "network_error". A 401 refreshes the token once and asks again; when that fails
 * too, onSignedOut() is told (the page signs in again).
 */

export function createApi(apiBase, tokens, onSignedOut, fetchImpl = (u, i) => fetch(u, i)) {
  async function once(method, path, body, token) {
    const headers = { Accept: 'application/json', Authorization: 'Bearer ' + token };
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetchImpl(apiBase + path, {
        method: method, headers: headers, body: payload,
        credentials: 'omit', cache: 'no-store', redirect: 'error',
      });
    } catch (e) {
      return { ok: false, status: 0, data: null, error: 'network_error', description: 'The server could not be reached. Check the connection and try again.' };
    }
    let data = null;
    if ((response.headers.get('Content-Type') || '').includes('json')) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    const result = { ok: response.ok, status: response.status, data: data, error: null, description: null };
    if (!response.ok) {
      result.error = data && typeof data.error === 'string' ? data.error : 'http_' + response.status;
      // Written for people: shown as it comes.
      result.description = data && typeof data.error_description === 'string'
        ? data.error_description : 'The server answered with HTTP ' + response.status + '.';
    }
    return result;
  }

  const signedOut = { ok: false, status: 401, data: null, error: 'signed_out', description: 'Your sign-in has ended. Signing in again…' };

  return async function call(method, path, body) {
    let token = await tokens.accessToken(false);
    if (!token) { onSignedOut(); return signedOut; }
    let result = await once(method, path, body, token);
    if (result.status === 401) {
      token = await tokens.accessToken(true);
      if (!token) { onSignedOut(); return signedOut; }
      result = await once(method, path, body, token);
      if (result.status === 401) { onSignedOut(); }
    }
    return result;
  };
}

/** The path of one request (ids are opaque: always encoded). */
export function requestPath(id, rest) {
  return '/governance/requests/' + encodeURIComponent(id) + (rest || '');
}

/** The list's query from the page's filters: state, awaiting me. */
export function listPath(filters) {
  const query = new URLSearchParams();
  if (filters && filters.awaiting) query.set('awaiting', 'me');
  else if (filters && filters.state) query.set('state', filters.state);
  query.set('max', '50');
  return '/governance/requests?' + query.toString();
}
