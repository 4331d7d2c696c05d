/*
 * Approval Guard - web approver, the entry module.
 *
 * A static, dependency-free page that turns a browser into an approver device. It implements the
 * device side of docs/device-api.md:
 *   - enrolment: takes the one-time token from "#enrol=...", creates a NON-extractable ECDSA P-256
 *     key with WebCrypto and registers the public half with POST /device/enrol;
 *   - storage: device ids and the CryptoKeyPair live in IndexedDB (storage.js), so the private key
 *     never leaves this browser;
 *   - requests: asks GET /device/challenges?wait=25 while the page is visible (poller.js) and shows
 *     each pending challenge as a card (cards.js, render.js) that asks its question first, every
 *     detail one tap away; finished requests shrink to one line;
 *   - notifications: "Turn on notifications" subscribes this browser to Web Push and registers the
 *     subscription for its devices (notifications.js); the service worker (sw.js) shows a generic
 *     notification and tells this page to ask at once; "#challenge=<id>" shows that request first;
 *   - every request carries a fresh Device-Proof (compact JWS, ES256) bound to method, URL, time,
 *     a nonce and the SHA-256 of the exact body bytes (crypto.js, api.js).
 * The page runs under a strict CSP (no inline script/style, no eval). Server data is only ever put
 * into the page as text nodes, never innerHTML (dom.js, display.js).
 */
import { accountSecurityUrl, createApiClient, createServerClock, locateApi } from './api.js';
import { createChallengeCards } from './cards.js';
import { $, el, showNotice } from './dom.js';
import { describeUserAgent, formatTime } from './format.js';
import { browserPush, createPushControl } from './notifications.js';
import { createPoller } from './poller.js';
import { describePush } from './push-texts.js';
import { deleteDevice, loadDevices, saveDevice } from './storage.js';

const WAIT_SECONDS = 25; // how long the server may hold a request for challenges
const DEVICE_NAME_MAX = 64;

// Set at start-up from the page's own address.
let API = null; // { apiBase, realm }
let call = null; // the signed API client
let cards = null;
let notifications = null;
const clock = createServerClock();

// Page state: body[data-state] = loading | no-device | enrolling | ready
const state = {
  devices: [],        // stored device records of this realm
  deviceStatus: {},   // device_id -> { text, kind } shown under the account
  pollers: {},        // device_id -> poller
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
  $('#notifications').hidden = pageState !== 'ready' || $('#notifications').dataset.state === 'loading';
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

/** Reads "#challenge=<id>" (a notification opened this page for it) and removes the fragment. */
function takeWantedChallenge() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('challenge')) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const id = params.get('challenge');
  return /^[A-Za-z0-9._~-]{1,128}$/.test(id) ? id : null;
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
    const result = await call(keyPair.privateKey, null, 'POST', '/device/enrol', body);
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
    await saveDevice(device);
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
  state.devices = await loadDevices(API.apiBase);
  const ids = new Set(state.devices.map((d) => d.device_id));
  for (const id of Object.keys(state.pollers)) {
    if (!ids.has(id)) { state.pollers[id].stop(); delete state.pollers[id]; }
  }
  for (const device of state.devices) {
    if (!state.pollers[device.device_id]) state.pollers[device.device_id] = pollChallenges(device);
  }
  renderDevices();
  updatePageState();
  if (notifications) notifications.sync(state.devices);
}

/** Ask every device's poller now: a push said a request waits, or the page is shown again. */
function pollNow() {
  Object.values(state.pollers).forEach((p) => p.kick());
}

function renderNotifications(pushState) {
  const section = $('#notifications');
  const view = describePush(pushState);
  section.dataset.state = pushState.name;
  $('#notifications-status').textContent = view.text; // the section's data-state colours a failure
  const button = $('#notifications-button');
  button.hidden = !view.button;
  button.disabled = pushState.name === 'working';
  if (view.button) {
    button.textContent = view.button.label;
    button.dataset.action = view.button.action;
  }
  updatePageState();
}

/** Messages of the service worker: a push arrived, or its notification was opened. */
function listenToServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message.challenge_id !== 'string') return;
    if (message.type === 'show_challenge') cards.show(message.challenge_id);
    if (message.type === 'show_challenge' || message.type === 'challenge_waiting') pollNow();
  });
  navigator.serviceWorker.startMessages();
}

function pollChallenges(device) {
  return createPoller(
    (signal) => call(device.keyPair.privateKey, device, 'GET', '/device/challenges', undefined, '?wait=' + WAIT_SECONDS, signal),
    (result) => {
      if (result.ok) {
        setDeviceStatus(device, null);
        const list = result.data && Array.isArray(result.data.challenges) ? result.data.challenges : [];
        cards.sync(device, list);
      } else {
        setDeviceStatus(device, describePollError(result), 'error');
        if (result.error === 'unknown_device') cards.removeCardsOf(device);
      }
    });
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
  const result = await call(device.keyPair.privateKey, device, 'DELETE', '/device');
  // 401 unknown_device: already gone on the server, so forgetting it here is the right outcome.
  if (result.status === 204 || result.ok || result.error === 'unknown_device') {
    await deleteDevice(device.device_id);
    delete state.deviceStatus[device.device_id];
    cards.removeCardsOf(device);
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
// Start-up
// ---------------------------------------------------------------------------------------------

/** Best effort: learn the server's clock before the first signed request (enrolment). */
function syncClock() {
  return fetch(location.pathname, { method: 'HEAD', cache: 'no-store', credentials: 'omit' })
    .then(clock.learn, () => {});
}

async function start() {
  // Take the token out of the address bar first, before anything can fail.
  const token = takeEnrolToken();
  const wanted = takeWantedChallenge();
  API = locateApi(location.origin, location.pathname);
  if (!API) {
    showNotice($('#app-error'), 'This page must be opened from its address under /realms/{realm}/approval-guard/app/.', 'error');
    return;
  }
  call = createApiClient(API.apiBase, clock);
  cards = createChallengeCards({
    container: $('#challenges'),
    emptyNote: $('#no-requests'),
    call: call,
    clock: clock,
    accountUrl: accountSecurityUrl(API.apiBase),
    // "This browser is now an approver" has been read by now; the request needs the room.
    onAdded: () => {
      if ($('#enrol-status').classList.contains('notice-success')) showNotice($('#enrol-status'), '');
    },
  });
  if (wanted) cards.show(wanted);
  notifications = createPushControl({
    push: browserPush(window, API.apiBase), call: call, saveDevice: saveDevice, onChange: renderNotifications,
  });
  $('#notifications-button').addEventListener('click', (event) => {
    if (event.currentTarget.dataset.action === 'off') notifications.turnOff();
    else notifications.turnOn();
  });
  listenToServiceWorker();
  $('#enrol-form').addEventListener('submit', submitEnrolment);
  $('#enrol-cancel').addEventListener('click', cancelEnrolment);
  window.addEventListener('hashchange', () => {
    const next = takeEnrolToken();
    if (next) startEnrolment(next);
    const shown = takeWantedChallenge();
    if (shown) { cards.show(shown); pollNow(); }
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) pollNow();
  });
  setInterval(() => cards.tick(), 1000);

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

// A module runs once the document is parsed, like a deferred script.
start();
