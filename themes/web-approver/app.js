/*
 * Approval Guard - web approver.
 *
 * A static, dependency-free page that turns a browser into an approver device. It implements the
 * device side of docs/device-api.md:
 *   - enrolment: takes the one-time token from "#enrol=...", creates a NON-extractable ECDSA P-256
 *     key with WebCrypto and registers the public half with POST /device/enrol;
 *   - storage: device ids and the CryptoKeyPair live in IndexedDB, so the private key never leaves
 *     this browser (IndexedDB stores CryptoKey objects without exporting them);
 *   - requests: polls GET /device/challenges every 2 s while the page is visible and shows each
 *     pending challenge as a card with Approve / Deny / "This wasn't me";
 *   - every request carries a fresh Device-Proof (compact JWS, ES256) bound to method, URL, time,
 *     a nonce and the SHA-256 of the exact body bytes.
 * The page runs under a strict CSP (no inline script/style, no eval). Server data is only ever put
 * into the page with textContent, never innerHTML.
 */
'use strict';

// ---------------------------------------------------------------------------------------------
// Encoding and crypto helpers (pure; no DOM)
// ---------------------------------------------------------------------------------------------

const POLL_INTERVAL_MS = 2000;
const MAX_BACKOFF_MS = 30000;
const DEVICE_NAME_MAX = 64;

/** RFC 4648 section 5 base64url, without padding. */
function base64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function utf8(text) {
  return new TextEncoder().encode(text);
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/**
 * Canonical JSON (RFC 8785 for the values the API uses): members sorted by name in UTF-16 code
 * unit order (what JS string comparison does), no white space, JSON.stringify escaping. Written
 * with an explicit comparator: a bare `.sort()` on entries compares "key,value" strings, which
 * mis-orders keys such as "a" and "a!".
 */
function canonicalJson(value) {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(value[k])).join(',') + '}';
  }
  return JSON.stringify(value);
}

/** base64url(SHA-256(canonical JSON)) - the context_hash of the doc, section 4. */
async function contextHash(context) {
  return base64url(await sha256(utf8(canonicalJson(context))));
}

function randomId() {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Compact JWS signed with ES256. WebCrypto's ECDSA output is already the raw 64-byte R || S that
 * JWS wants (not DER), so no conversion is needed.
 */
async function signJws(privateKey, header, payload) {
  const input = base64url(utf8(JSON.stringify(header))) + '.' + base64url(utf8(JSON.stringify(payload)));
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8(input));
  return input + '.' + base64url(new Uint8Array(signature));
}

/**
 * Device-Proof for one request. `device` is null on enrolment (no kid/sub exist yet);
 * `bodyBytes` is the exact byte array that will be sent, or null when there is no body.
 */
async function makeProof(privateKey, device, method, url, bodyBytes, iat) {
  const header = { typ: 'ag-device-proof+jwt', alg: 'ES256' };
  if (device) header.kid = device.device_id;
  const payload = { htm: method, htu: url, iat: iat, jti: randomId() };
  if (device) payload.sub = device.user_id;
  if (bodyBytes) payload.bh = base64url(await sha256(bodyBytes));
  return signJws(privateKey, header, payload);
}

/** A short "Chrome on Linux" style summary of a User-Agent string (only for display). */
function describeUserAgent(ua) {
  ua = String(ua || '');
  const browsers = [
    [/Edg(e|A|iOS)?\//, 'Edge'], [/OPR\/|Opera/, 'Opera'], [/SamsungBrowser\//, 'Samsung Internet'],
    [/Firefox\/|FxiOS\//, 'Firefox'], [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
    [/Version\/[\d.]+.*Safari\//, 'Safari'],
  ];
  const systems = [
    [/Windows/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
    [/CrOS/, 'ChromeOS'], [/Mac OS X|Macintosh/, 'macOS'], [/Linux/, 'Linux'],
  ];
  const browser = (browsers.find(([re]) => re.test(ua)) || [null, null])[1];
  const system = (systems.find(([re]) => re.test(ua)) || [null, null])[1];
  if (browser && system) return browser + ' on ' + system;
  return browser || (system ? 'A browser on ' + system : 'Unknown browser');
}

// ---------------------------------------------------------------------------------------------
// Where we are: realm and API base, derived from the page's own URL
// ---------------------------------------------------------------------------------------------

/** "/realms/demo/approval-guard/app/" -> { apiBase: origin + "/realms/demo/approval-guard", realm: "demo" } */
function locateApi(origin, pathname) {
  const match = /^(.*)\/approval-guard\/app(?:\/.*)?$/.exec(pathname);
  if (!match) return null;
  const realmMatch = /\/realms\/([^/]+)$/.exec(match[1]);
  let realm = realmMatch ? realmMatch[1] : '';
  try { realm = decodeURIComponent(realm); } catch (e) { /* keep the raw segment */ }
  return { apiBase: origin + match[1] + '/approval-guard', realm: realm };
}

// Difference between the server's clock and ours, from HTTP Date headers. The server accepts
// iat within 60 s of its clock; phones with a wrong clock would otherwise fail every request.
let clockOffsetSeconds = 0;

function nowSeconds() {
  return Math.floor(Date.now() / 1000) + clockOffsetSeconds;
}

function learnClock(response) {
  const date = Date.parse(response.headers.get('Date') || '');
  if (isNaN(date)) return;
  const offset = Math.round((date - Date.now()) / 1000);
  // Date has 1 s resolution and the response took some time: ignore small differences.
  clockOffsetSeconds = Math.abs(offset) > 5 ? offset : 0;
}

// ---------------------------------------------------------------------------------------------
// API client
// ---------------------------------------------------------------------------------------------

let API = null; // { apiBase, realm }, set at start-up

/**
 * One signed API call. Returns { ok, status, data, error, description } and never throws:
 * a network failure is reported as status 0 / error "network_error".
 */
async function api(privateKey, device, method, path, body) {
  const url = API.apiBase + path;
  // Encode once: the same bytes are hashed into bh and sent on the wire.
  const bodyBytes = body === undefined ? null : utf8(JSON.stringify(body));
  const headers = { Accept: 'application/json' };
  if (bodyBytes) headers['Content-Type'] = 'application/json';
  let response;
  try {
    headers['Device-Proof'] = await makeProof(privateKey, device, method, url, bodyBytes, nowSeconds());
    response = await fetch(url, {
      method: method, headers: headers, body: bodyBytes,
      credentials: 'omit', cache: 'no-store', redirect: 'error',
    });
  } catch (e) {
    return { ok: false, status: 0, error: 'network_error', description: 'The server could not be reached.' };
  }
  learnClock(response);
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
}

// ---------------------------------------------------------------------------------------------
// IndexedDB: database "approval-guard", store "devices", keyPath "device_id"
// ---------------------------------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('approval-guard', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('devices', { keyPath: 'device_id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function dbRun(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction('devices', mode);
      const request = action(tx.objectStore('devices'));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const dbAll = () => dbRun('readonly', (store) => store.getAll());
const dbPut = (record) => dbRun('readwrite', (store) => store.put(record));
const dbDelete = (deviceId) => dbRun('readwrite', (store) => store.delete(deviceId));

/** Devices of this realm only: the same browser may be an approver in several realms. */
async function loadDevices() {
  const all = await dbAll();
  return all.filter((d) => d.apiBase === API.apiBase).sort((a, b) => a.enrolled_at - b.enrolled_at);
}

// ---------------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------------

const $ = (selector, root) => (root || document).querySelector(selector);

/** createElement with properties and children; strings become text nodes (never HTML). */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function showNotice(node, text, kind) {
  node.textContent = text;
  node.className = 'notice' + (kind ? ' notice-' + kind : '');
  node.hidden = !text;
}

function formatDuration(seconds) {
  const s = Math.max(0, seconds);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function formatTime(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleString();
}

// ---------------------------------------------------------------------------------------------
// Application state and page state (body[data-state] = loading | no-device | enrolling | ready)
// ---------------------------------------------------------------------------------------------

const state = {
  devices: [],        // stored device records of this realm
  deviceStatus: {},   // device_id -> { text, kind } shown under the account
  pollers: {},        // device_id -> poller
  cards: new Map(),   // challenge id -> card entry
  enrolToken: null,   // token from the fragment while enrolling
};

function updatePageState() {
  let pageState = 'ready';
  if (state.enrolToken) pageState = 'enrolling';
  else if (state.devices.length === 0) pageState = 'no-device';
  document.body.dataset.state = pageState;
  $('#enrol').hidden = pageState !== 'enrolling';
  $('#no-device').hidden = pageState !== 'no-device';
  $('#requests').hidden = pageState !== 'ready';
  $('#accounts').hidden = pageState !== 'ready';
}

// ---------------------------------------------------------------------------------------------
// Enrolment
// ---------------------------------------------------------------------------------------------

/** Reads "#enrol=<token>" and removes the fragment at once, so the token is not left in history. */
function takeEnrolToken() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('enrol')) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return params.get('enrol') || null;
}

function cryptoAvailable() {
  return window.isSecureContext && !!(window.crypto && crypto.subtle);
}

function startEnrolment(token) {
  state.enrolToken = token;
  showNotice($('#enrol-status'), '');
  const name = $('#device-name');
  name.value = ('Web approver (' + describeUserAgent(navigator.userAgent) + ')').slice(0, DEVICE_NAME_MAX);
  $('#enrol-button').disabled = false;
  if (!cryptoAvailable()) {
    $('#enrol-button').disabled = true;
    showNotice($('#enrol-status'), 'This page must be opened over HTTPS (or on localhost) to set up an approver.', 'error');
  }
  updatePageState();
  name.focus();
}

function cancelEnrolment() {
  state.enrolToken = null;
  showNotice($('#enrol-status'), '');
  updatePageState();
}

async function submitEnrolment(event) {
  event.preventDefault();
  const button = $('#enrol-button');
  const status = $('#enrol-status');
  // Control characters are rejected by the server; strip them rather than fail.
  const deviceName = $('#device-name').value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (deviceName.length < 1 || deviceName.length > DEVICE_NAME_MAX) {
    showNotice(status, 'Please enter a name of 1 to 64 characters.', 'error');
    return;
  }
  button.disabled = true;
  showNotice(status, 'Setting up this browser…');
  try {
    // extractable=false makes the private key non-extractable (the public key always is).
    const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    const body = {
      enrolment_token: state.enrolToken,
      public_key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
      device_name: deviceName,
    };
    // Proof of possession: signed by the new key, no kid/sub yet.
    const result = await api(keyPair.privateKey, null, 'POST', '/device/enrol', body);
    if (!result.ok || !result.data || !result.data.device_id) {
      const hint = result.error === 'invalid_enrolment_token'
        ? ' Start the set-up again in your account to get a new link.' : '';
      showNotice(status, (result.description || 'Enrolment failed').replace(/\.?$/, '.') + hint, 'error');
      button.disabled = false;
      return;
    }
    const device = {
      device_id: result.data.device_id,
      user_id: result.data.user_id,
      username: result.data.username || 'your account',
      realm: result.data.realm || API.realm,
      device_name: result.data.device_name || deviceName,
      apiBase: API.apiBase,
      // A plain object holding the two CryptoKeys: structured clone stores them as they are.
      keyPair: { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey },
      enrolled_at: Math.floor(Date.now() / 1000),
    };
    await dbPut(device);
    state.enrolToken = null;
    await refreshDevices();
    showNotice(status, 'This browser is now an approver for ' + device.username + '.', 'success');
  } catch (e) {
    showNotice(status, 'Enrolment failed in this browser: ' + (e && e.message ? e.message : e), 'error');
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Devices and polling
// ---------------------------------------------------------------------------------------------

async function refreshDevices() {
  state.devices = await loadDevices();
  const ids = new Set(state.devices.map((d) => d.device_id));
  for (const id of Object.keys(state.pollers)) {
    if (!ids.has(id)) { state.pollers[id].stop(); delete state.pollers[id]; }
  }
  for (const device of state.devices) {
    if (!state.pollers[device.device_id]) state.pollers[device.device_id] = createPoller(device);
  }
  renderDevices();
  updatePageState();
}

/**
 * Polls one device's challenges every 2 s while the page is visible; backs off after errors.
 * Stops for good on unknown_device (the device was removed on the server).
 */
function createPoller(device) {
  let timer = null;
  let running = false;
  let stopped = false;
  let failures = 0;

  async function tick() {
    timer = null;
    if (stopped || running || document.hidden) return; // resumed by visibilitychange
    running = true;
    try {
      const result = await api(device.keyPair.privateKey, device, 'GET', '/device/challenges');
      if (stopped) return;
      if (result.ok) {
        failures = 0;
        setDeviceStatus(device, null);
        const list = result.data && Array.isArray(result.data.challenges) ? result.data.challenges : [];
        syncChallenges(device, list);
      } else {
        failures++;
        setDeviceStatus(device, describePollError(result), 'error');
        if (result.error === 'unknown_device') {
          stopped = true; // removed on the server: polling again cannot succeed
          syncChallenges(device, []);
        }
      }
    } finally {
      running = false;
      schedule(); // even if rendering threw, keep polling
    }
  }

  function schedule() {
    if (stopped || timer) return;
    const delay = failures ? Math.min(POLL_INTERVAL_MS * 2 ** failures, MAX_BACKOFF_MS) : POLL_INTERVAL_MS;
    timer = setTimeout(tick, delay);
  }

  tick();
  return {
    kick() { if (!stopped && !running) { clearTimeout(timer); tick(); } },
    stop() { stopped = true; clearTimeout(timer); },
  };
}

function describePollError(result) {
  switch (result.error) {
    case 'unknown_device': return 'This device is no longer registered with your account. Remove it from this browser.';
    case 'device_suspended': return 'This device is suspended. Ask your administrator.';
    case 'user_disabled': return 'Your account is disabled or temporarily locked.';
    case 'network_error': return 'Offline: trying again…';
    default: return 'Cannot check for requests: ' + result.description;
  }
}

function setDeviceStatus(device, text, kind) {
  const current = state.deviceStatus[device.device_id];
  if ((current ? current.text : null) === text) return;
  if (text) state.deviceStatus[device.device_id] = { text: text, kind: kind };
  else delete state.deviceStatus[device.device_id];
  renderDevices();
}

async function removeDevice(device, button, statusNode) {
  button.disabled = true;
  statusNode.textContent = 'Removing…';
  const result = await api(device.keyPair.privateKey, device, 'DELETE', '/device');
  // 401 unknown_device: already gone on the server, so forgetting it here is the right outcome.
  if (result.status === 204 || result.ok || result.error === 'unknown_device') {
    await dbDelete(device.device_id);
    delete state.deviceStatus[device.device_id];
    syncChallenges(device, []);
    showNotice($('#enrol-status'), '');
    await refreshDevices();
  } else {
    statusNode.textContent = 'Could not remove: ' + result.description;
    button.disabled = false;
  }
}

function renderDevices() {
  const list = $('#devices');
  list.replaceChildren();
  for (const device of state.devices) {
    const status = state.deviceStatus[device.device_id];
    const statusNode = el('p', { class: 'device-status' + (status ? ' device-status-' + status.kind : '') },
      status ? status.text : '');
    const button = el('button', { type: 'button', class: 'button button-quiet remove-device' }, 'Remove this device');
    button.addEventListener('click', () => removeDevice(device, button, statusNode));
    list.append(el('li', { class: 'device', 'data-device-id': device.device_id },
      el('p', { class: 'device-user' }, device.username),
      el('p', { class: 'device-name' }, device.device_name),
      el('p', { class: 'device-meta' }, 'Added ' + formatTime(device.enrolled_at)),
      statusNode, button));
  }
}

// ---------------------------------------------------------------------------------------------
// Challenge cards
// ---------------------------------------------------------------------------------------------

// Known context members: label and how to show the value. Unknown members are shown raw.
const CONTEXT_FIELDS = [
  ['reason', 'Request', (v) => (v === 'sign-in' ? 'Sign-in' : v === 'add-device' ? 'Add a new approver device' : rawValue(v))],
  ['client_name', 'Application', rawValue],
  ['client_id', 'Application', rawValue],
  ['username', 'Account', rawValue],
  ['realm', 'Realm', rawValue],
  ['ip_address', 'IP address', rawValue],
  ['requested_at', 'Time', (v) => (Number.isInteger(v) ? formatTime(v) : rawValue(v))],
  ['user_agent', 'Browser', null], // rendered with a summary and the raw string
];

function rawValue(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function renderContext(context) {
  const list = el('dl', { class: 'context' });
  const add = (label, ...value) => list.append(el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, ...value)));
  const known = new Set();
  for (const [key, label, format] of CONTEXT_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(context, key)) continue;
    known.add(key);
    const value = context[key];
    if (key === 'user_agent') {
      add(label, describeUserAgent(value),
        el('details', { class: 'raw' }, el('summary', {}, 'Details'), el('code', {}, rawValue(value))));
    } else if (key === 'client_id' && known.has('client_name')) {
      add('Application ID', el('code', {}, rawValue(value)));
    } else {
      add(label, format(value));
    }
  }
  for (const key of Object.keys(context).sort()) {
    if (!known.has(key)) add(key, rawValue(context[key]));
  }
  return list;
}

/** Creates the card for a new challenge. The hash is computed from the context we display. */
function createCard(device, challenge) {
  const ctx = challenge.context;
  const context = ctx && typeof ctx === 'object' && !Array.isArray(ctx) ? ctx : {};
  const verification = challenge.verification || { type: 'none' };
  const entry = {
    id: challenge.id, device: device, challenge: challenge, context: context,
    hash: null, hashMismatch: false, busy: false, final: false, expired: false,
    needsCode: verification.type === 'code',
    codeLength: Number.isInteger(verification.length) && verification.length > 0 ? verification.length : null,
    unsupported: verification.type !== 'code' && verification.type !== 'none',
  };
  const title = context.reason === 'add-device' ? 'Add a new approver device?' : 'Sign-in request';
  entry.timer = el('p', { class: 'challenge-timer' });
  entry.warning = el('p', { class: 'challenge-warning', role: 'alert', hidden: true });
  entry.result = el('p', { class: 'challenge-result', role: 'status', 'aria-live': 'polite', hidden: true });
  entry.approve = el('button', { type: 'submit', class: 'button button-primary approve', disabled: true }, 'Approve');
  entry.deny = el('button', { type: 'button', class: 'button button-secondary deny' }, 'Deny');
  entry.fraud = el('button', { type: 'button', class: 'button button-danger fraud' }, 'This wasn’t me');

  const form = el('form', { class: 'challenge-form', noValidate: true });
  if (entry.needsCode) {
    const inputId = 'code-' + randomId();
    entry.code = el('input', {
      id: inputId, type: 'text', class: 'challenge-code', inputMode: 'numeric', autocomplete: 'one-time-code',
      pattern: entry.codeLength ? '[0-9]{' + entry.codeLength + '}' : '[0-9]+', spellcheck: false,
    });
    if (entry.codeLength) entry.code.maxLength = entry.codeLength;
    entry.code.addEventListener('input', () => {
      // Only digits make sense; dropping anything else helps with pasted "4 2" or "42.".
      const digits = entry.code.value.replace(/\D/g, '');
      if (digits !== entry.code.value) entry.code.value = digits;
      updateCard(entry);
    });
    form.append(el('label', { for: inputId, class: 'code-label' }, 'Type the code shown on the sign-in screen'), entry.code);
  }
  form.append(el('div', { class: 'actions' }, entry.approve, entry.deny),
    el('div', { class: 'fraud-box' }, entry.fraud,
      el('p', { class: 'hint' }, 'You did not try to sign in? This stops the attempt and reports it.')));
  form.addEventListener('submit', (event) => { event.preventDefault(); if (!entry.approve.disabled) answer(entry, 'approve'); });
  entry.deny.addEventListener('click', () => answer(entry, 'deny'));
  entry.fraud.addEventListener('click', () => answer(entry, 'fraud'));

  entry.node = el('article', { class: 'challenge', 'data-challenge-id': challenge.id },
    el('h3', {}, title), entry.warning, renderContext(context), entry.timer, form, entry.result);

  if (entry.unsupported) {
    showWarning(entry, 'This request needs a kind of check this page does not support. You can only deny it.');
  }
  contextHash(context).then((hash) => {
    entry.hash = hash;
    if (hash !== challenge.context_hash) {
      entry.hashMismatch = true;
      showWarning(entry, 'The request changed on the way; do not approve.');
    }
    updateCard(entry);
  });
  updateCard(entry);
  return entry;
}

function showWarning(entry, text) {
  entry.warning.textContent = text;
  entry.warning.hidden = false;
}

/** Enables buttons and refreshes the countdown from the entry's state. */
function updateCard(entry) {
  const expiresAt = entry.challenge.expires_at;
  const left = Number.isInteger(expiresAt) ? expiresAt - nowSeconds() : Infinity;
  if (!entry.final && left <= 0) entry.expired = true;
  if (!entry.final && left !== Infinity) {
    entry.timer.textContent = entry.expired ? 'Expired' : 'Time left: ' + formatDuration(left);
  }
  const closed = entry.busy || entry.final || entry.expired || entry.hash === null;
  const codeOk = !entry.needsCode || (entry.codeLength
    ? new RegExp('^[0-9]{' + entry.codeLength + '}$').test(entry.code.value)
    : /^[0-9]+$/.test(entry.code.value));
  entry.approve.disabled = closed || entry.hashMismatch || entry.unsupported || !codeOk;
  entry.deny.disabled = closed;
  entry.fraud.disabled = closed;
  if (entry.code) entry.code.disabled = entry.busy || entry.final || entry.expired;
  entry.node.dataset.status = entry.final ? 'answered' : entry.expired ? 'expired' : 'pending';
}

const OUTCOMES = {
  approved: 'Approved. You can go back to the sign-in screen.',
  denied: 'Denied. The sign-in was stopped.',
  fraud: 'Reported. The sign-in was stopped and reported as not you.',
};

const ANSWER_ERRORS = {
  invalid_code: 'Wrong code: this sign-in attempt has been stopped. Start a new sign-in.',
  challenge_expired: 'This request has expired. Start a new sign-in.',
  challenge_not_pending: 'This request was already answered or replaced by a newer one.',
  challenge_not_found: 'This request no longer exists.',
  context_mismatch: 'The request changed on the way, so it was not answered. Start a new sign-in.',
};

// Errors after which trying again may help; any other error ends the card.
const RETRYABLE = new Set(['network_error', 'invalid_proof', 'proof_replayed', 'code_required', 'invalid_request']);

async function answer(entry, decision) {
  if (entry.busy || entry.final || entry.hash === null) return;
  entry.busy = true;
  updateCard(entry);
  setResult(entry, 'Sending…', 'pending');
  // Key order is irrelevant to the server: bh covers whatever bytes we send.
  const body = { decision: decision, context_hash: entry.hash };
  if (decision === 'approve' && entry.needsCode) body.code = entry.code.value;
  const path = '/device/challenges/' + encodeURIComponent(entry.id) + '/answer';
  const result = await api(entry.device.keyPair.privateKey, entry.device, 'POST', path, body);
  entry.busy = false;
  if (result.ok) {
    const status = result.data && result.data.status;
    entry.final = true;
    setResult(entry, OUTCOMES[status] || 'Answer recorded (' + status + ').', status === 'approved' ? 'success' : 'neutral');
  } else if (RETRYABLE.has(result.error) || result.status >= 500) {
    setResult(entry, result.description + ' Please try again.', 'error');
  } else {
    entry.final = true;
    setResult(entry, ANSWER_ERRORS[result.error] || result.description, 'error');
  }
  if (entry.final) addDismiss(entry);
  updateCard(entry);
}

function setResult(entry, text, kind) {
  entry.result.textContent = text;
  entry.result.className = 'challenge-result result-' + kind;
  entry.result.hidden = false;
}

/** Answered cards stay until dismissed, so the outcome can be read after the next poll. */
function addDismiss(entry) {
  entry.timer.textContent = '';
  const button = el('button', { type: 'button', class: 'button button-quiet dismiss' }, 'Dismiss');
  button.addEventListener('click', () => removeCard(entry));
  entry.node.append(button);
}

function removeCard(entry) {
  entry.node.remove();
  state.cards.delete(entry.id);
  updateEmptyState();
}

/** Adds cards for new challenges of this device and drops pending ones the server no longer lists. */
function syncChallenges(device, challenges) {
  const listed = new Set();
  for (const challenge of challenges) {
    if (!challenge || typeof challenge.id !== 'string') continue;
    listed.add(challenge.id);
    // Two devices of the same user see the same challenge: show it once.
    if (state.cards.has(challenge.id)) continue;
    const entry = createCard(device, challenge);
    state.cards.set(challenge.id, entry);
    $('#challenges').prepend(entry.node);
  }
  for (const entry of [...state.cards.values()]) {
    if (entry.device.device_id === device.device_id && !listed.has(entry.id) && !entry.final && !entry.busy) {
      removeCard(entry);
    }
  }
  updateEmptyState();
}

function updateEmptyState() {
  const pending = [...state.cards.values()].filter((e) => !e.final && !e.expired).length;
  $('#no-requests').hidden = state.cards.size > 0;
  document.title = (pending ? '(' + pending + ') ' : '') + 'Approval Guard';
}

// ---------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------

/** Best effort: learn the server's clock before the first signed request (enrolment). */
function syncClock() {
  return fetch(location.pathname, { method: 'HEAD', cache: 'no-store', credentials: 'omit' })
    .then(learnClock, () => {});
}

async function start() {
  // Take the token out of the address bar first, before anything can fail.
  const token = takeEnrolToken();
  API = locateApi(location.origin, location.pathname);
  if (!API) {
    showNotice($('#app-error'), 'This page must be opened from its address under /realms/{realm}/approval-guard/app/.', 'error');
    return;
  }
  $('#realm-label').textContent = API.realm ? 'Realm: ' + API.realm : '';
  $('#enrol-form').addEventListener('submit', submitEnrolment);
  $('#enrol-cancel').addEventListener('click', cancelEnrolment);
  window.addEventListener('hashchange', () => {
    const next = takeEnrolToken();
    if (next) startEnrolment(next);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) Object.values(state.pollers).forEach((p) => p.kick());
  });
  setInterval(() => { state.cards.forEach(updateCard); updateEmptyState(); }, 1000);

  if (!cryptoAvailable()) {
    $('#insecure').hidden = false;
    if (token) startEnrolment(token); else updatePageState();
    return;
  }
  syncClock();
  try {
    await refreshDevices();
  } catch (e) {
    showNotice($('#app-error'), 'This browser cannot store approver keys (IndexedDB is unavailable, for example in a private window).', 'error');
  }
  if (token) startEnrolment(token);
  else updatePageState();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
