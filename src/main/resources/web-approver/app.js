/*
 * Approval Guard - web approver.
 *
 * A static, dependency-free page that turns a browser into an approver device. It implements the
 * device side of docs/device-api.md:
 *   - enrolment: takes the one-time token from "#enrol=...", creates a NON-extractable ECDSA P-256
 *     key with WebCrypto and registers the public half with POST /device/enrol;
 *   - storage: device ids and the CryptoKeyPair live in IndexedDB, so the private key never leaves
 *     this browser (IndexedDB stores CryptoKey objects without exporting them);
 *   - requests: asks GET /device/challenges?wait=25 while the page is visible (the server holds it
 *     until a challenge exists) and shows each pending challenge as a card that asks its question first
 *     ("Are you signing in to ... as ...?", where from, the code, Approve / Deny / "This wasn't me"),
 *     every detail one tap away; finished requests shrink to one line;
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
const WAIT_SECONDS = 25; // how long the server may hold a request for challenges
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

/** RFC 8785's member order: by UTF-16 code units, which is what JS string comparison compares. */
function compareUtf16(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical JSON, RFC 8785 (JSON Canonicalization Scheme), of a value as JSON.parse returns it:
 * objects at any depth with their members sorted by name in UTF-16 code-unit order, arrays in
 * their order, no white space; strings as JSON.stringify escapes them; numbers as JSON.stringify
 * writes them, which is ECMAScript's Number::toString, the very form RFC 8785 section 3.2.2.3
 * prescribes (12.5, 1e+21, 1.5e-7, -0 as 0); true, false and null. The sort uses an explicit
 * comparator: a bare `.sort()` on entries compares "key,value" strings and mis-orders "a", "a!".
 */
function canonicalJson(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('NaN and infinities have no JSON form');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      const keys = Object.keys(value).sort(compareUtf16);
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(value[k])).join(',') + '}';
    }
    default:
      throw new TypeError('not a JSON value: ' + typeof value);
  }
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
async function api(privateKey, device, method, path, body, query) {
  const url = API.apiBase + path; // the proof's htu: the URL without its query

  // Encode once: the same bytes are hashed into bh and sent on the wire.
  const bodyBytes = body === undefined ? null : utf8(JSON.stringify(body));
  const headers = { Accept: 'application/json' };
  if (bodyBytes) headers['Content-Type'] = 'application/json';
  let response;
  try {
    headers['Device-Proof'] = await makeProof(privateKey, device, method, url, bodyBytes, nowSeconds());
    response = await fetch(url + (query || ''), {
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
  // Control and format characters (and separators, lone surrogates) are rejected by the server;
  // strip them rather than fail.
  const deviceName = $('#device-name').value.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '').trim();
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
 * Asks for one device's challenges while the page is visible: the server holds each request until a
 * challenge exists (up to WAIT_SECONDS), so the next one is asked at once; a quick empty answer (a
 * server that does not hold) is asked again after 2 s; errors back off.
 * Stops for good on unknown_device (the device was removed on the server).
 */
function createPoller(device) {
  let timer = null;
  let running = false;
  let stopped = false;
  let failures = 0;
  let held = false;

  async function tick() {
    timer = null;
    if (stopped || running || document.hidden) return; // resumed by visibilitychange
    running = true;
    const askedAt = Date.now();
    try {
      const result = await api(device.keyPair.privateKey, device, 'GET', '/device/challenges', undefined,
        '?wait=' + WAIT_SECONDS);
      held = Date.now() - askedAt >= 1000;
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
          removeCardsOf(device);
        }
      }
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
    removeCardsOf(device);
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
// Showing client-supplied text: never as HTML, and never with characters that hide or disguise
// ---------------------------------------------------------------------------------------------

/*
 * Characters a person cannot see or that change how the text around them is shown: C0/C1 controls,
 * bidi embeddings, overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 * U+061C), zero-width characters (U+200B-U+200D, U+2060, U+FEFF), every other format character
 * (\p{Cf}: soft hyphen, invisible operators, tag characters U+E0000-U+E007F...), line and paragraph
 * separators, lone surrogates and blank-looking letters (Hangul fillers). They are shown as
 * visible markers such as "⟦U+202E⟧" instead, and the card gets a warning.
 */
const HIDDEN_CHAR = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff'
  + '\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u3164\\uffa0\\ufff9-\\ufffb\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]';
// One token is either a hidden character (group 1) or a word (group 2): letters, marks and digits,
// except the hidden ones among them (Hangul fillers are letters, Mongolian variation selectors marks).
const TEXT_TOKEN = new RegExp('(' + HIDDEN_CHAR + ')|((?:(?!' + HIDDEN_CHAR + ')[\\p{L}\\p{M}\\p{N}])+)', 'gu');
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** What the checks found in the strings of one card. */
function newFindings() {
  return { hidden: new Set(), mixed: new Set() };
}

function codePointMarker(ch) {
  return '⟦U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '⟧';
}

/** A word mixing Latin, Cyrillic and Greek letters, like "pаypal" with a Cyrillic "а". */
function mixesScripts(word) {
  return CONFUSABLE_SCRIPTS.filter((script) => script.test(word)).length > 1;
}

/** The scripts a mixed word uses, for the warning: "Latin + Cyrillic". */
function scriptNames(word) {
  return ['Latin', 'Cyrillic', 'Greek'].filter((name, i) => CONFUSABLE_SCRIPTS[i].test(word)).join(' + ');
}

/** A mixed word, its Cyrillic and Greek letters marked one by one (the Latin ones when it has none). */
function markMixedWord(word) {
  const hasLatin = CONFUSABLE_SCRIPTS[0].test(word);
  const odd = hasLatin ? /[\p{Script=Cyrillic}\p{Script=Greek}]/u : /\p{Script=Greek}/u;
  const node = el('mark', { class: 'ctx-mixed-script', title: 'Mixes letters of different alphabets: ' + scriptNames(word) });
  for (const ch of word) {
    node.append(odd.test(ch) ? el('span', { class: 'ctx-foreign-letter' }, ch) : ch);
  }
  return node;
}

/**
 * A span that shows `text` from the context safely: as text nodes only, each hidden character
 * replaced by a visible marker, look-alike words highlighted; what it found goes into `findings`.
 */
function safeText(text, findings, className) {
  const node = el('span', { class: 'ctx-text' + (className ? ' ' + className : '') });
  if (text === '') {
    node.classList.add('ctx-empty');
    node.textContent = '(empty)';
    return node;
  }
  let plain = '';
  let last = 0;
  const flush = () => { if (plain) node.append(plain); plain = ''; };
  for (const match of text.matchAll(TEXT_TOKEN)) {
    plain += text.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      flush();
      const marker = codePointMarker(match[1]);
      findings.hidden.add(marker);
      node.append(el('span', { class: 'ctx-hidden-char', title: 'Hidden character ' + marker.slice(1, -1) }, marker));
    } else if (mixesScripts(match[2])) {
      flush();
      findings.mixed.add(match[2]);
      node.append(markMixedWord(match[2]));
    } else {
      plain += match[0];
    }
  }
  plain += text.slice(last);
  flush();
  return node;
}

/** A context value of any JSON type, as readable text (strings through safeText). */
function safeValue(value, findings) {
  if (typeof value === 'string') return safeText(value, findings);
  return safeText(canonicalJson(value), findings, 'ctx-json');
}

/** Digits in groups (1 234 567.5), by spacing spans: copying the value gives the digits unchanged. */
function groupedDigits(text, size, fromRight, className) {
  const node = el('span', { class: className });
  const groups = [];
  if (fromRight) {
    for (let end = text.length; end > 0; end -= size) groups.unshift(text.slice(Math.max(0, end - size), end));
  } else {
    for (let start = 0; start < text.length; start += size) groups.push(text.slice(start, start + size));
  }
  groups.forEach((group, i) => {
    if (i > 0) node.append(el('wbr')); // a line may break between groups, never inside one
    node.append(el('span', { class: 'ctx-group' }, group));
  });
  return node;
}

/** An IBAN in groups of four for reading; anything that does not look like one is shown as it is. */
function renderIban(value, findings) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9]{5,34}$/.test(value)) return renderValue(value, null, findings, 0);
  return groupedDigits(value, 4, false, 'ctx-iban');
}

/** An amount exactly as sent (string or number), the integer part grouped in threes. */
function renderAmountNumber(amount, findings) {
  const text = typeof amount === 'number' ? JSON.stringify(amount) : amount;
  const match = typeof text === 'string' ? /^(-?)([0-9]+)(\.[0-9]+)?$/.exec(text) : null;
  if (!match) return safeValue(amount, findings);
  const node = el('span', { class: 'ctx-amount-number' }, match[1], groupedDigits(match[2], 3, true, 'ctx-digits'));
  if (match[3]) node.append(match[3]);
  return node;
}

/** {"amount": ..., "currency": ...} with nothing else: "12.5 EUR". */
function isAmount(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'amount' in value && 'currency' in value
    && typeof value.currency === 'string' && (typeof value.amount === 'string' || typeof value.amount === 'number');
}

function renderAmount(value, findings) {
  return el('span', { class: 'ctx-amount' }, renderAmountNumber(value.amount, findings), ' ',
    safeText(value.currency, findings, 'ctx-currency'));
}

// Labels for member names of RFC 9396 authorization details (common fields, payment initiation and
// account information as banks use them, OpenID4VCI credentials). Any other name is shown as sent.
const DETAIL_LABELS = new Map([
  ['type', 'Type'], ['locations', 'Where'], ['actions', 'Actions'], ['datatypes', 'Data types'],
  ['identifier', 'Identifier'], ['privileges', 'Privileges'],
  ['instructedAmount', 'Amount'], ['creditorName', 'Pay to'], ['creditorAccount', 'To account'],
  ['creditorAgent', 'Payee’s bank'], ['creditorAddress', 'Payee’s address'], ['debtorName', 'Payer'],
  ['debtorAccount', 'From account'], ['remittanceInformationUnstructured', 'Reference'],
  ['remittanceInformationStructured', 'Structured reference'], ['endToEndIdentification', 'End-to-end ID'],
  ['requestedExecutionDate', 'Execution date'], ['chargeBearer', 'Charges paid by'],
  ['access', 'Access'], ['accounts', 'Accounts'], ['balances', 'Balances'], ['transactions', 'Transactions'],
  ['availableAccounts', 'List of accounts'], ['availableAccountsWithBalance', 'List of accounts with balances'],
  ['allPsd2', 'All account data'], ['recurringIndicator', 'Repeated access'], ['validUntil', 'Valid until'],
  ['frequencyPerDay', 'Times per day'], ['combinedServiceIndicator', 'Combined with a payment'],
  ['iban', 'IBAN'], ['bban', 'BBAN'], ['pan', 'Card number'], ['maskedPan', 'Card number'],
  ['currency', 'Currency'], ['amount', 'Amount'],
  ['credential_configuration_id', 'Credential'], ['credential_identifiers', 'Credential identifiers'],
  ['format', 'Format'], ['vct', 'Credential type'], ['doctype', 'Document type'],
  ['credential_definition', 'Credential definition'], ['claims', 'Claims'], ['path', 'Path'],
]);

const MAX_RENDER_DEPTH = 16;

/** Any JSON value as a readable tree: objects as labelled rows, arrays as indented lists. */
function renderValue(value, key, findings, depth) {
  if (key === 'iban' && typeof value === 'string') return renderIban(value, findings);
  if (typeof value === 'string') return safeText(value, findings);
  if (typeof value === 'number') return el('span', { class: 'ctx-number' }, JSON.stringify(value));
  if (typeof value === 'boolean') return el('span', { class: 'ctx-boolean' }, value ? 'Yes' : 'No');
  if (value === null || typeof value !== 'object') return el('span', { class: 'ctx-empty' }, 'none');
  if (depth > MAX_RENDER_DEPTH) return safeValue(value, findings);
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { class: 'ctx-empty' }, '(empty list)');
    return el('ul', { class: 'ctx-list' },
      ...value.map((item) => el('li', {}, renderValue(item, null, findings, depth + 1))));
  }
  if (isAmount(value)) return renderAmount(value, findings);
  const keys = Object.keys(value);
  // An account given only by its IBAN: the IBAN itself.
  if (keys.length === 1 && keys[0] === 'iban' && typeof value.iban === 'string') return renderIban(value.iban, findings);
  if (keys.length === 0) return el('span', { class: 'ctx-empty' }, '(empty)');
  return renderMembers(value, keys, findings, depth + 1);
}

function renderMembers(object, keys, findings, depth, primary) {
  const list = el('dl', { class: 'ctx-tree' });
  for (const key of keys) {
    const label = DETAIL_LABELS.get(key);
    const row = el('div', { class: 'ctx-tree-row' + (primary && primary.includes(key) ? ' ctx-primary' : '') },
      el('dt', label ? { title: key } : {}, label || safeText(key, findings)),
      el('dd', {}, renderValue(object[key], key, findings, depth)));
    row.dataset.key = key;
    list.append(row);
  }
  return list;
}

// Authorization detail types with a title and the members that matter most, shown first.
const DETAIL_TYPES = new Map([
  ['payment_initiation', { title: 'Payment', first: ['instructedAmount', 'creditorName', 'creditorAccount',
    'remittanceInformationUnstructured', 'debtorAccount'] }],
  ['account_information', { title: 'Access to account information', first: ['access'] }],
  ['openid_credential', { title: 'Digital credential', first: ['credential_configuration_id', 'format', 'vct', 'doctype'] }],
]);

/** One RFC 9396 authorization detail: a titled box with every member. */
function renderDetail(detail, findings) {
  const box = el('div', { class: 'ctx-detail' });
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    box.append(renderValue(detail, null, findings, 1));
    return box;
  }
  const type = typeof detail.type === 'string' ? detail.type : null;
  const known = type !== null ? DETAIL_TYPES.get(type) : null;
  box.dataset.type = type === null ? '' : type;
  // The type is shown exactly as sent under the title, so it is not repeated as a row.
  box.append(el('p', { class: 'ctx-detail-title' },
    known ? known.title : 'Request of another kind',
    type !== null ? el('code', { class: 'ctx-detail-type' }, safeText(type, findings)) : null));
  const first = known ? known.first.filter((k) => Object.prototype.hasOwnProperty.call(detail, k)) : [];
  const rest = Object.keys(detail).filter((k) => !first.includes(k) && !(k === 'type' && type !== null));
  if (first.length + rest.length > 0) box.append(renderMembers(detail, first.concat(rest), findings, 2, first));
  return box;
}

function renderAuthorizationDetails(details, findings) {
  const node = el('div', { class: 'ctx-authorization-details' });
  if (Array.isArray(details)) {
    if (details.length === 0) node.append(el('span', { class: 'ctx-empty' }, '(none)'));
    for (const detail of details) node.append(renderDetail(detail, findings));
  } else {
    node.append(renderValue(details, null, findings, 1));
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// The context of a challenge: the decision first (the question, where from, what is paid), and
// every member, as sent, one tap away under "Details"
// ---------------------------------------------------------------------------------------------

const REASONS = {
  'sign-in': 'Sign-in', 'add-device': 'Add a new approver device', 'password-reset': 'Reset your password',
  ciba: 'Request from an application',
};
/** The question of each purpose, around the application's name and the account; any other purpose asks the last one. */
const QUESTIONS = {
  'sign-in': (app, user) => ['Are you signing in to ', app, ' as ', user, '?'],
  'add-device': (app, user) => ['Are you adding a new approver device for ', user, ' in ', app, '?'],
  'password-reset': (app, user) => ['Are you resetting the password of ', user, ' in ', app, '?'],
  ciba: (app, user) => ['Approve this request from ', app, ' for ', user, '?'],
};
const INTEGRITY = {
  signed: 'Signed by the application',
  pushed: 'Sent directly by the application',
  unsigned: 'From the browser’s address, not signed',
  backchannel: 'Sent directly by the application (no browser involved)',
};
/** Request integrities for which the application itself vouches for the details. */
const VOUCHED = new Set(['signed', 'pushed', 'backchannel']);
const KNOWN_MEMBERS = new Set(['reason', 'binding_message', 'authorization_details', 'request_integrity',
  'client_name', 'client_id', 'username', 'realm', 'scope', 'ip_address', 'browser', 'os', 'user_agent',
  'requested_at', 'location', 'country', 'network']);
/** OAuth scopes in plain words; any other scope is shown as written. */
const SCOPE_WORDS = new Map([
  ['openid', 'sign you in'], ['profile', 'your name'], ['email', 'your email address'],
  ['offline_access', 'stay signed in'], ['phone', 'your phone number'], ['address', 'your postal address'],
]);

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The application as the question names it: its name, else its id. */
function applicationName(context, findings) {
  for (const key of ['client_name', 'client_id']) {
    if (typeof context[key] === 'string' && context[key] !== '') return safeText(context[key], findings);
  }
  return has(context, 'client_name') ? safeValue(context.client_name, findings) : null;
}

/** "Are you signing in to Account Console as alice?", per purpose; an unknown purpose is shown as sent. */
function renderQuestion(context, findings) {
  const app = applicationName(context, findings);
  const user = has(context, 'username') ? safeValue(context.username, findings) : null;
  const reason = context.reason;
  const ask = typeof reason === 'string' && has(QUESTIONS, reason) ? QUESTIONS[reason] : QUESTIONS.ciba;
  const question = el('h3', { class: 'challenge-question' },
    ...ask(app ? el('strong', { class: 'q-app' }, app) : 'an application',
      user ? el('strong', { class: 'q-user' }, user) : 'your account'));
  const nodes = [question];
  if (has(context, 'reason') && !(typeof reason === 'string' && has(QUESTIONS, reason))) {
    nodes.push(el('p', { class: 'challenge-reason' }, 'Kind of request: ', safeValue(reason, findings)));
  }
  return nodes;
}

/** A country code as a name ("United Kingdom"), when the browser knows it. */
function countryName(code) {
  try {
    if (typeof code === 'string' && /^[A-Z]{2}$/.test(code) && typeof Intl.DisplayNames === 'function') {
      const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
      if (name && name !== code) return name + ' (' + code + ')';
    }
  } catch (e) { /* shown as the code */ }
  return null;
}

/** Where the request comes from, in one line: the place (or "Location unknown") and the IP address. */
function renderWhere(context, findings) {
  const node = el('p', { class: 'challenge-where' });
  let place;
  if (has(context, 'location')) place = safeValue(context.location, findings);
  else if (has(context, 'country')) place = countryName(context.country) || safeValue(context.country, findings);
  else if (!has(context, 'ip_address') && context.request_integrity === 'backchannel') {
    place = 'Sent directly by the application, not from a browser';
  } else place = 'Location unknown';
  node.append(el('span', { class: 'where-place' }, place));
  if (has(context, 'ip_address')) {
    node.append(el('span', { class: 'where-ip' }, 'IP ', safeValue(context.ip_address, findings)));
  }
  return node;
}

/** The binding message, large, so it can be compared with the sign-in screen or what one is told. */
function renderBindingMessage(context, findings) {
  // A message from the browser's address could be anyone's (its digits are masked by the server).
  const vouched = VOUCHED.has(context.request_integrity);
  return el('div', { class: 'ctx-binding-message' + (vouched ? '' : ' ctx-binding-unverified') },
    el('p', { class: 'ctx-binding-label' }, vouched ? 'Message from the application:' : 'Message from the browser, unverified:'),
    el('p', { class: 'ctx-binding-text' }, safeValue(context.binding_message, findings)));
}

/** Only "signed", "pushed" and "backchannel" vouch for the details; a missing or unknown value does not. */
function renderUnsignedWarning(context) {
  if (!(has(context, 'authorization_details') || has(context, 'binding_message'))) return null;
  const integrity = context.request_integrity;
  if (VOUCHED.has(integrity)) return null;
  return el('p', { class: 'ctx-unsigned-warning', role: 'note' }, integrity === 'unsigned'
    ? 'Not signed by the application (they came through the browser’s address): '
      + 'approve only if this is exactly what you asked for.'
    : 'These details may not come from the application itself. Approve only if they are exactly what you asked for.');
}

/** One authorization detail in a line or two: for a payment the amount, the payee and the account. */
function summariseDetail(detail, findings) {
  const item = el('div', { class: 'tx-item' });
  if (!isPlainObject(detail)) {
    item.append(renderValue(detail, null, findings, 1));
    return item;
  }
  const type = typeof detail.type === 'string' ? detail.type : null;
  item.dataset.type = type === null ? '' : type;
  if (type === 'payment_initiation') {
    const line = el('p', { class: 'tx-line' });
    line.append(isAmount(detail.instructedAmount)
      ? el('span', { class: 'tx-amount' }, 'Pay ', renderAmount(detail.instructedAmount, findings)) : 'Payment');
    if (has(detail, 'creditorName')) {
      line.append(' to ', el('span', { class: 'tx-creditor' }, renderValue(detail.creditorName, 'creditorName', findings, 1)));
    }
    item.append(line);
    if (has(detail, 'creditorAccount')) {
      item.append(el('p', { class: 'tx-account' }, 'Account ',
        renderValue(detail.creditorAccount, 'creditorAccount', findings, 1)));
    }
    return item;
  }
  const known = type !== null ? DETAIL_TYPES.get(type) : null;
  const line = el('p', { class: 'tx-line' }, known ? known.title : 'Request of another kind');
  if (!known && type !== null) line.append(' ', el('code', { class: 'ctx-detail-type' }, safeText(type, findings)));
  item.append(line);
  return item;
}

/** What is approved besides the sign-in, as far as it fits: the message, the warning, each detail's summary. */
function renderTransactionSummary(context, findings) {
  const nodes = [];
  if (has(context, 'binding_message')) nodes.push(renderBindingMessage(context, findings));
  const unsigned = renderUnsignedWarning(context);
  if (unsigned) nodes.push(unsigned);
  if (has(context, 'authorization_details')) {
    const details = context.authorization_details;
    const summary = el('div', { class: 'tx-summary' });
    if (Array.isArray(details)) {
      if (details.length === 0) summary.append(el('p', { class: 'tx-line ctx-empty' }, 'No transaction details'));
      for (const detail of details) summary.append(summariseDetail(detail, findings));
    } else {
      summary.append(renderValue(details, null, findings, 1));
    }
    summary.append(el('p', { class: 'tx-more' }, 'Everything that is approved is under Details.'));
    nodes.push(summary);
  }
  return nodes;
}

/** Requested scopes in plain words, each with the scope as sent. */
function renderScopes(scope, findings) {
  if (typeof scope !== 'string' || scope.trim() === '') return safeValue(scope, findings);
  return el('ul', { class: 'ctx-scopes' }, ...scope.split(' ').filter((s) => s !== '').map((s) => {
    const words = SCOPE_WORDS.get(s);
    return el('li', { class: 'ctx-scope' }, words || safeText(s, findings),
      words ? el('code', { class: 'ctx-scope-raw' }, s) : null);
  }));
}

/**
 * Every member of the context, in sections of rows: known ones in their section, unknown ones
 * (new members a later server may send) under "Other". Never changes `context`.
 */
function renderDetails(context, findings, hashNode) {
  const root = el('div', { class: 'context' });
  const section = (title, className) => {
    const list = el('dl', { class: 'context-list' });
    const node = el('section', { class: 'ctx-section ' + className }, el('h4', { class: 'ctx-heading' }, title), list);
    const add = (label, ...value) => {
      list.append(el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, ...value)));
    };
    return { node, list, add };
  };
  const text = (key) => safeValue(context[key], findings);

  const who = section('Who is asking', 'ctx-who');
  if (has(context, 'client_name')) who.add('Application', text('client_name'));
  if (has(context, 'client_id')) who.add('Application ID', el('code', {}, text('client_id')));
  if (has(context, 'username')) who.add('Account', text('username'));
  if (has(context, 'realm')) who.add('Realm (account directory)', text('realm'));
  if (has(context, 'scope')) who.add('Asks to', renderScopes(context.scope, findings));

  const what = section('What you are approving', 'ctx-what');
  if (has(context, 'reason')) {
    const reason = context.reason;
    what.add('Request', typeof reason === 'string' && has(REASONS, reason) ? REASONS[reason] : text('reason'));
  }
  if (has(context, 'binding_message')) what.add('Message', text('binding_message'));
  if (has(context, 'authorization_details')) {
    what.node.append(renderAuthorizationDetails(context.authorization_details, findings));
  }
  if (has(context, 'request_integrity')) {
    const integrity = context.request_integrity;
    what.node.append(el('dl', { class: 'context-list' }, el('div', { class: 'context-row ctx-integrity' },
      el('dt', {}, 'Details sent'),
      el('dd', {}, typeof integrity === 'string' && has(INTEGRITY, integrity) ? INTEGRITY[integrity] : text('request_integrity')))));
  }

  const where = section('From where', 'ctx-where');
  if (has(context, 'location')) where.add('Place (approximate)', text('location'));
  if (has(context, 'country')) where.add('Country', text('country'));
  if (has(context, 'network')) where.add('Network', text('network'));
  if (has(context, 'ip_address')) where.add('IP address', text('ip_address'));
  if (has(context, 'browser')) where.add('Browser', text('browser'));
  else if (has(context, 'user_agent')) where.add('Browser', describeUserAgent(context.user_agent)); // older servers
  if (has(context, 'os')) where.add('Operating system', text('os'));
  if (has(context, 'user_agent')) where.add('Browser’s full description', el('code', { class: 'ctx-user-agent' }, text('user_agent')));
  if (has(context, 'requested_at')) {
    where.add('Time', Number.isInteger(context.requested_at) ? formatTime(context.requested_at) : text('requested_at'));
  }

  const more = section('Other details', 'ctx-more');
  for (const key of Object.keys(context)) {
    if (!KNOWN_MEMBERS.has(key)) more.add(safeText(key, findings), renderValue(context[key], key, findings, 1));
  }

  const check = section('Check', 'ctx-check');
  check.add('Signed hash', hashNode);

  for (const part of [who, what, where, more, check]) {
    if (part.list.childElementCount > 0 || part.node.childElementCount > 2) root.append(part.node);
  }
  return root;
}

/**
 * The sign-in comes from another country than the one this device is in now (the server tells
 * the device's own country beside the challenge, outside what is signed).
 */
function countryWarning(context, challenge) {
  const here = typeof challenge.approver_country === 'string' ? challenge.approver_country : null;
  const there = typeof context.country === 'string' ? context.country : null;
  if (!here || !there || here === there) return [];
  return [el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'country-mismatch' },
    'This sign-in comes from ' + there + ', but this device is in ' + here
    + ' now. If you are not travelling, do not approve and tap “This wasn’t me”.')];
}

/** Warnings about the context's strings, shown under the question. */
function renderFindings(findings) {
  const warnings = [];
  if (findings.hidden.size > 0) {
    warnings.push(el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'hidden-characters' },
      'This request contains hidden or direction-changing characters; do not approve unless you are sure. '
      + 'They are shown as ' + [...findings.hidden].slice(0, 4).join(' ') + '.'));
  }
  if (findings.mixed.size > 0) {
    const words = [];
    for (const word of [...findings.mixed].slice(0, 3)) {
      if (words.length) words.push(', ');
      // Only letters, marks and digits (see TEXT_TOKEN); isolated so right-to-left letters stay put.
      words.push(el('span', { class: 'ctx-text' }, '“' + (word.length > 40 ? word.slice(0, 40) + '…' : word) + '”'),
        ' (' + scriptNames(word) + ')');
    }
    warnings.push(el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'mixed-scripts' },
      'This request contains words that mix Latin with Cyrillic or Greek letters, which can imitate other names: ',
      ...words, '. Do not approve unless you are sure.'));
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// Challenge cards: pending ones ask; finished ones (answered, expired, cancelled) shrink to a line
// ---------------------------------------------------------------------------------------------

/** Finished lines kept on the page; older ones go. */
const MAX_FINISHED = 5;

/** Freezes a parsed JSON value all the way down, so that nothing can change what is hashed. */
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

/**
 * Creates the card for a new challenge. The context is shown and hashed exactly as it was
 * received (the parsed JSON, frozen); only the display neutralises hidden characters and groups
 * digits, never the value that is hashed.
 */
function createCard(device, challenge) {
  const ctx = challenge.context;
  const context = isPlainObject(ctx) ? deepFreeze(ctx) : {};
  const verification = challenge.verification || { type: 'none' };
  const entry = {
    id: challenge.id, device: device, challenge: challenge, context: context,
    hash: null, hashMismatch: false, busy: false, final: false, expired: false, outcome: null, finishedAt: 0,
    needsCode: verification.type === 'code',
    codeLength: Number.isInteger(verification.length) && verification.length > 0 ? verification.length : null,
    unsupported: verification.type !== 'code' && verification.type !== 'none',
  };
  entry.timer = el('p', { class: 'challenge-timer' });
  entry.warning = el('p', { class: 'challenge-warning', role: 'alert', hidden: true });
  entry.result = el('p', { class: 'challenge-result', role: 'status', 'aria-live': 'polite', hidden: true });
  entry.approve = el('button', { type: 'submit', class: 'button button-primary approve', disabled: true }, 'Approve');
  entry.deny = el('button', { type: 'button', class: 'button button-secondary deny' }, 'Deny');
  entry.fraud = el('button', { type: 'button', class: 'button button-danger fraud' }, 'This wasn’t me');
  entry.fraudYes = el('button', { type: 'button', class: 'button button-danger-solid fraud-confirm-yes' }, 'Yes, report it');
  entry.fraudNo = el('button', { type: 'button', class: 'button button-secondary fraud-confirm-no' }, 'Go back');
  entry.fraudConfirm = el('div', { class: 'fraud-confirm', role: 'group', 'aria-label': 'Report this request', hidden: true },
    el('p', {}, 'Report this request as not you? It is stopped at once and reported.'),
    el('div', { class: 'actions' }, entry.fraudYes, entry.fraudNo));
  entry.hashNode = el('code', { class: 'ctx-hash' }, 'checking…');

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
  form.append(el('div', { class: 'actions' }, entry.approve, entry.deny), entry.result);
  form.addEventListener('submit', (event) => { event.preventDefault(); if (!entry.approve.disabled) answer(entry, 'approve'); });
  entry.deny.addEventListener('click', () => answer(entry, 'deny'));
  entry.fraud.addEventListener('click', () => showFraudConfirmation(entry, true));
  entry.fraudNo.addEventListener('click', () => showFraudConfirmation(entry, false));
  entry.fraudYes.addEventListener('click', () => answer(entry, 'fraud'));

  const findings = newFindings();
  let first;
  let details;
  try {
    first = [...renderQuestion(context, findings), renderWhere(context, findings)];
    entry.summary = renderTransactionSummary(context, findings);
    details = renderDetails(context, findings, entry.hashNode);
  } catch (e) {
    // Should not happen with any JSON; if it does, still show everything, as JSON text, up front.
    first = [el('h3', { class: 'challenge-question' }, 'Approve this request?'),
      el('p', { class: 'context context-raw' }, safeValue(context, findings))];
    entry.summary = [];
    details = el('p', {}, entry.hashNode);
  }
  entry.body = el('div', { class: 'challenge-body' },
    ...first, entry.timer, entry.warning, ...renderFindings(findings), ...countryWarning(context, challenge),
    ...entry.summary, form,
    el('div', { class: 'fraud-box' }, entry.fraud, entry.fraudConfirm),
    el('details', { class: 'challenge-details' }, el('summary', {}, 'Details'), details));
  entry.node = el('article', { class: 'challenge', 'data-challenge-id': challenge.id }, entry.body);

  if (entry.unsupported) {
    showWarning(entry, 'This request needs a kind of check this page does not support. You can only deny it.');
  }
  contextHash(context).then((hash) => {
    entry.hash = hash;
    entry.hashNode.textContent = hash;
    if (hash !== challenge.context_hash) {
      entry.hashMismatch = true;
      showWarning(entry, 'The request changed on the way; do not approve.');
    }
    updateCard(entry);
  }).catch(() => {
    entry.hash = '';
    entry.hashMismatch = true;
    entry.hashNode.textContent = 'cannot be computed';
    showWarning(entry, 'This request cannot be checked; do not approve.');
    updateCard(entry);
  });
  updateCard(entry);
  return entry;
}

function showWarning(entry, text) {
  entry.warning.textContent = text;
  entry.warning.hidden = false;
}

/** "This wasn't me" asks once more before it reports: the answer cannot be taken back. */
function showFraudConfirmation(entry, ask) {
  entry.fraud.hidden = ask;
  entry.fraudConfirm.hidden = !ask;
  (ask ? entry.fraudNo : entry.fraud).focus();
}

/** Enables buttons and refreshes the countdown from the entry's state; a card whose time is up ends. */
function updateCard(entry) {
  if (entry.final) return;
  const expiresAt = entry.challenge.expires_at;
  const left = Number.isInteger(expiresAt) ? expiresAt - nowSeconds() : Infinity;
  if (left <= 0) entry.expired = true;
  if (entry.expired && !entry.busy) {
    finish(entry, 'expired', 'Expired', 'neutral');
    return;
  }
  if (left !== Infinity) entry.timer.textContent = formatDuration(left) + ' left';
  const closed = entry.busy || entry.expired || entry.hash === null;
  const codeOk = !entry.needsCode || (entry.codeLength
    ? new RegExp('^[0-9]{' + entry.codeLength + '}$').test(entry.code.value)
    : /^[0-9]+$/.test(entry.code.value));
  entry.approve.disabled = closed || entry.hashMismatch || entry.unsupported || !codeOk;
  entry.deny.disabled = closed;
  entry.fraud.disabled = closed;
  entry.fraudYes.disabled = closed;
  if (entry.code) entry.code.disabled = entry.busy || entry.expired;
  entry.node.dataset.status = 'pending';
}

const OUTCOMES = { approved: 'Approved', denied: 'Denied', fraud: 'Reported' };

const ANSWER_ERRORS = {
  invalid_code: ['Wrong code', 'This sign-in attempt has been stopped. Start a new sign-in.'],
  challenge_expired: ['Expired', 'This request expired before the answer arrived. Start a new sign-in.'],
  challenge_not_pending: ['Not answered', 'This request was already answered or replaced by a newer one.'],
  challenge_not_found: ['Not answered', 'This request no longer exists.'],
  context_mismatch: ['Not answered', 'The request changed on the way, so it was not answered. Start a new sign-in.'],
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
    finish(entry, 'answered', OUTCOMES[status] || 'Answered (' + status + ')', status === 'approved' ? 'success' : 'neutral');
    if (status === 'fraud') entry.node.append(fraudAdvice(entry, true));
  } else if (RETRYABLE.has(result.error) || result.status >= 500) {
    setResult(entry, result.description + ' Please try again.', 'error');
    updateCard(entry);
  } else {
    const [word, note] = ANSWER_ERRORS[result.error] || ['Not answered', result.description];
    finish(entry, 'answered', word, 'error', note);
    if (decision === 'fraud') entry.node.append(fraudAdvice(entry, false));
  }
}

function setResult(entry, text, kind) {
  entry.result.textContent = text;
  entry.result.className = 'challenge-result result-' + kind;
  entry.result.hidden = false;
}

/** What a finished line names: the application, after the kind of request unless it is a sign-in. */
function lineSummary(context) {
  const reason = context.reason;
  const kind = typeof reason === 'string' && has(REASONS, reason) ? REASONS[reason] : 'Request';
  const app = applicationName(context, newFindings());
  if (!app) return [kind];
  return reason === 'sign-in' ? [app] : [kind + ' · ', app];
}

/**
 * Ends a card: it shrinks to one line (outcome, request, time, dismiss), with a note below only
 * when the outcome needs one (an error). `outcome` is answered, expired or cancelled.
 */
function finish(entry, outcome, word, kind, note) {
  entry.final = true;
  entry.outcome = outcome;
  entry.finishedAt = Date.now();
  setResult(entry, word, kind);
  const dismiss = el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss' }, '×');
  dismiss.addEventListener('click', () => removeCard(entry));
  const time = new Date(entry.finishedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  entry.body.hidden = true;
  entry.node.classList.add('challenge-finished');
  entry.node.dataset.status = outcome;
  entry.node.prepend(el('div', { class: 'challenge-line' }, entry.result,
    el('span', { class: 'line-what' }, ...lineSummary(entry.context)), el('span', { class: 'line-time' }, time), dismiss));
  if (note) entry.node.append(el('p', { class: 'line-note' }, note));
  pruneFinished();
  updateEmptyState();
}

/** Where the account's own settings are: the Account Console's "Signing in" page of this realm. */
function accountSecurityUrl() {
  return API.apiBase.replace(/\/approval-guard$/, '') + '/account/account-security/signing-in';
}

/**
 * What the real user should do after "This wasn't me". `reported` says whether the server
 * took the report (the request was stopped); otherwise only the advice is given.
 */
function fraudAdvice(entry, reported) {
  const reason = entry.context.reason;
  let title;
  let why;
  let stopped;
  if (reason === 'password-reset') {
    title = 'Secure your email account now';
    why = 'Someone opened a password reset link sent to your email address. Your password here was not changed. '
      + 'Change the password of your email account, then check this account.';
    stopped = 'The reset was stopped and reported.';
  } else if (reason === 'ciba') {
    title = 'Do not approve requests you did not ask for';
    why = 'If someone asked you to approve this, by phone or message, they are not from the application. '
      + 'If you told anyone your password, change it now.';
    stopped = 'The request was stopped and reported.';
  } else {
    title = 'Change your password now';
    why = 'Whoever started this ' + (reason === 'add-device' ? 'request' : 'sign-in') + ' knows your password.';
    stopped = 'The sign-in was stopped and reported. You do not need to do anything else here.';
  }
  return el('div', { class: 'fraud-advice', role: 'alert' },
    el('p', { class: 'fraud-advice-title' }, title),
    el('p', {}, why),
    reported ? el('p', {}, stopped) : null,
    el('a', { class: 'button button-primary fraud-advice-link', href: accountSecurityUrl(), target: '_blank', rel: 'noopener' },
      reason === 'password-reset' ? 'Check your account' : 'Change your password'));
}

function removeCard(entry) {
  entry.node.remove();
  state.cards.delete(entry.id);
  updateEmptyState();
}

/** Keeps the newest MAX_FINISHED finished lines. */
function pruneFinished() {
  const finished = [...state.cards.values()].filter((e) => e.final).sort((a, b) => b.finishedAt - a.finishedAt);
  finished.slice(MAX_FINISHED).forEach(removeCard);
}

/**
 * Adds cards for new challenges of this device; a pending card the server no longer lists was
 * cancelled, replaced or answered elsewhere, and ends as "Cancelled".
 */
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
    // "This browser is now an approver" has been read by now; the request needs the room.
    if ($('#enrol-status').classList.contains('notice-success')) showNotice($('#enrol-status'), '');
  }
  for (const entry of [...state.cards.values()]) {
    if (entry.device.device_id === device.device_id && !listed.has(entry.id) && !entry.final && !entry.busy) {
      updateCard(entry); // ends it as expired when its time is up
      if (!entry.final) finish(entry, 'cancelled', 'Cancelled', 'neutral');
    }
  }
  updateEmptyState();
}

/** A device removed from this browser or from the account takes its cards with it. */
function removeCardsOf(device) {
  for (const entry of [...state.cards.values()]) {
    if (entry.device.device_id === device.device_id) removeCard(entry);
  }
}

function updateEmptyState() {
  const pending = [...state.cards.values()].filter((e) => !e.final).length;
  $('#no-requests').hidden = pending > 0;
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
