/*
 * Signing in through Keycloak itself: the OpenID Connect authorization code flow with PKCE (S256)
 * for the public client "approval-guard-desk", whose one redirect URI is this page. Tokens stay in
 * memory; only the PKCE verifier, state and nonce wait in sessionStorage across the redirect, and
 * are removed when the page comes back. Pure apart from the fetch, storage and crypto it is given.
 */

export const CLIENT_ID = 'approval-guard-desk';
const PENDING_KEY = 'approval-guard-desk.sign-in';
/** A token this close to its end is refreshed before it is used. */
const REFRESH_MARGIN_SECONDS = 30;

/**
 * "/realms/demo/approval-guard/desk/" -> where everything is: the realm's base URL, this page's
 * own URL (the redirect URI), the extension's API base. null for any other path.
 */
export function locateDesk(origin, pathname) {
  const match = /^((?:.*)\/realms\/([^/]+))\/approval-guard\/desk\/?/.exec(pathname);
  if (!match) return null;
  let realm = match[2];
  try { realm = decodeURIComponent(realm); } catch (e) { /* keep the raw segment */ }
  return {
    realm: realm,
    realmBase: origin + match[1],
    pageUrl: origin + match[1] + '/approval-guard/desk/',
    apiBase: origin + match[1] + '/approval-guard',
  };
}

export function base64url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random base64url string of `size` random bytes (43 characters for 32: a PKCE verifier). */
export function randomToken(size = 32, cryptoImpl = globalThis.crypto) {
  return base64url(cryptoImpl.getRandomValues(new Uint8Array(size)));
}

/** RFC 7636 S256: base64url(SHA-256(ASCII(verifier))). */
export async function pkceChallenge(verifier, cryptoImpl = globalThis.crypto) {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new Error('not a PKCE code verifier');
  const digest = await cryptoImpl.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function authorizationUrl(desk, params) {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: desk.pageUrl,
    response_type: 'code',
    response_mode: 'query',
    scope: 'openid',
    state: params.state,
    nonce: params.nonce,
    code_challenge: params.challenge,
    code_challenge_method: 'S256',
  });
  return desk.realmBase + '/protocol/openid-connect/auth?' + query.toString();
}

/**
 * The sign-in's answer in the page's query ("?state=...&code=..." or "?error=..."), or null when
 * the page was opened without one.
 */
export function parseCallback(search) {
  const params = new URLSearchParams(search || '');
  if (!params.has('state') || (!params.has('code') && !params.has('error'))) return null;
  return {
    state: params.get('state'),
    code: params.get('code'),
    error: params.get('error'),
    errorDescription: params.get('error_description'),
  };
}

/** The claims of a JWT, unverified (it came straight from the token endpoint over TLS). */
export function jwtClaims(jwt) {
  const part = String(jwt || '').split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return null;
  }
}

/** A failed sign-in step, with a sentence for people. */
export class SignInError extends Error {
  constructor(error, description) {
    super(description);
    this.error = error;
    this.description = description;
  }
}

/**
 * The sign-in: begin() stores a new verifier, state and nonce and answers the URL to go to;
 * complete(callback) checks the state, redeems the code with the verifier and answers a token set.
 * `storage` is sessionStorage (or a stand-in), `fetchImpl` the fetch to use, `now()` seconds.
 */
export function createSignIn(desk, storage, fetchImpl = (u, i) => fetch(u, i), cryptoImpl = globalThis.crypto,
  now = () => Math.floor(Date.now() / 1000)) {
  const tokenUrl = desk.realmBase + '/protocol/openid-connect/token';

  async function tokenRequest(form) {
    let response;
    try {
      response = await fetchImpl(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        credentials: 'omit', cache: 'no-store', redirect: 'error',
      });
    } catch (e) {
      throw new SignInError('network_error', 'The server could not be reached.');
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok || !data || typeof data.access_token !== 'string') {
      const error = data && typeof data.error === 'string' ? data.error : 'http_' + response.status;
      const description = data && typeof data.error_description === 'string'
        ? data.error_description : 'The sign-in failed (HTTP ' + response.status + ').';
      throw new SignInError(error, description);
    }
    return data;
  }

  function tokenSet(data) {
    return createTokens(data, (refreshToken) => tokenRequest({
      grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID,
    }), now);
  }

  return {
    /** Stores what the answer must match; `returnTo` (the page's fragment) comes back after. */
    async begin(returnTo) {
      const pending = { verifier: randomToken(32, cryptoImpl), state: randomToken(16, cryptoImpl),
        nonce: randomToken(16, cryptoImpl), returnTo: String(returnTo || '') };
      const challenge = await pkceChallenge(pending.verifier, cryptoImpl);
      storage.setItem(PENDING_KEY, JSON.stringify(pending));
      return authorizationUrl(desk, { state: pending.state, nonce: pending.nonce, challenge: challenge });
    },

    /**
     * Redeems the callback. The stored sign-in is used once: removed before anything else, so a
     * replayed or forged answer finds nothing. Answers { tokens, returnTo }.
     */
    async complete(callback) {
      const raw = storage.getItem(PENDING_KEY);
      storage.removeItem(PENDING_KEY);
      let pending = null;
      try { pending = raw ? JSON.parse(raw) : null; } catch (e) { pending = null; }
      if (!pending || typeof pending.state !== 'string' || callback.state !== pending.state) {
        throw new SignInError('invalid_state', 'This sign-in answer does not belong to a sign-in started on this page. Sign in again.');
      }
      if (callback.error) {
        throw new SignInError(callback.error, callback.errorDescription || 'The sign-in did not finish (' + callback.error + ').');
      }
      const data = await tokenRequest({
        grant_type: 'authorization_code', code: callback.code, redirect_uri: desk.pageUrl,
        client_id: CLIENT_ID, code_verifier: pending.verifier,
      });
      const claims = data.id_token ? jwtClaims(data.id_token) : null;
      if (data.id_token && (!claims || claims.nonce !== pending.nonce)) {
        throw new SignInError('invalid_nonce', 'The sign-in answer does not match this sign-in. Sign in again.');
      }
      return { tokens: tokenSet(data), returnTo: pending.returnTo };
    },

    /** Keycloak's sign-out for this session, back to this page. */
    signOutUrl(tokens) {
      const query = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: desk.pageUrl });
      if (tokens && tokens.idToken) query.set('id_token_hint', tokens.idToken);
      return desk.realmBase + '/protocol/openid-connect/logout?' + query.toString();
    },
  };
}

/**
 * Tokens in memory: accessToken() answers a token that is valid for at least a little longer,
 * refreshing it first when needed (one refresh at a time), or null when the session is over and
 * the user must sign in again. `refresh(refreshToken)` answers the token endpoint's JSON.
 */
export function createTokens(data, refresh, now = () => Math.floor(Date.now() / 1000)) {
  let current = data;
  let expiresAt = now() + (Number(current.expires_in) || 60);
  let refreshing = null;
  let over = false;

  async function renew() {
    if (!current.refresh_token) { over = true; return null; }
    try {
      const next = await refresh(current.refresh_token);
      current = Object.assign({}, current, next);
      expiresAt = now() + (Number(next.expires_in) || 60);
      return current.access_token;
    } catch (e) {
      // The server out of reach says nothing about the session: the call after this fails and says so.
      if (e && e.error === 'network_error') return current.access_token;
      over = true;
      return null;
    }
  }

  return {
    get idToken() { return current.id_token || null; },
    get expiresAt() { return expiresAt; },
    get isOver() { return over; },
    /** A usable access token, or null when the sign-in is over. `force` refreshes regardless. */
    async accessToken(force) {
      if (over) return null;
      if (!force && now() < expiresAt - REFRESH_MARGIN_SECONDS) return current.access_token;
      if (!refreshing) refreshing = renew().finally(() => { refreshing = null; });
      return refreshing;
    },
  };
}
