/* "Turn on notifications": each state it reaches, and what it asks the browser and the server on the way. */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base64url } from '../../main/resources/web-approver/crypto.js';
import { createPushControl, fromBase64url } from '../../main/resources/web-approver/notifications.js';
import { describePush } from '../../main/resources/web-approver/push-texts.js';

// Two application server keys (65-byte uncompressed points; only their bytes matter here).
const KEY = base64url(Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i)));
const ROTATED = base64url(Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : 200 - i)));

/** A browser's Web Push: permission, one service worker registration, its subscription. */
function fakeBrowser({ supported = true, permission = 'default', answer = 'granted', key = KEY, subscribe } = {}) {
  const log = [];
  let count = 0;
  const makeSubscription = (keyBytes) => {
    const n = ++count;
    const sub = {
      endpoint: 'https://fcm.googleapis.com/fcm/send/sub-' + n,
      options: { userVisibleOnly: true, applicationServerKey: keyBytes.buffer },
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: { p256dh: 'p256dh-' + n, auth: 'auth-' + n } }),
      async unsubscribe() { log.push('unsubscribe ' + sub.endpoint); browser.subscription = null; return true; },
    };
    return sub;
  };
  const pushManager = {
    async getSubscription() { return browser.subscription; },
    async subscribe(options) {
      log.push('subscribe');
      browser.subscribeOptions.push(options);
      if (subscribe) return subscribe(options);
      browser.subscription = makeSubscription(options.applicationServerKey);
      return browser.subscription;
    },
  };
  const browser = {
    log, subscription: null, subscribeOptions: [], registered: false, permissionNow: permission, key,
    makeSubscription,
    push: {
      supported,
      permission: () => browser.permissionNow,
      async requestPermission() { log.push('requestPermission'); browser.permissionNow = answer === 'granted' || answer === 'denied' ? answer : 'default'; return answer; },
      async registration() { return browser.registered ? { pushManager } : undefined; },
      async register() { log.push('register sw.js'); browser.registered = true; return { pushManager }; },
      async serverKey() { if (browser.key instanceof Error) throw browser.key; return browser.key; },
    },
  };
  return browser;
}

/** The signed API client: records each call and answers with `answer(method, path)` (200 by default). */
function fakeApi(answer = () => ({ ok: true, status: 200, data: {} })) {
  const calls = [];
  const call = async (privateKey, device, method, path, body) => {
    calls.push({ privateKey, device: device.device_id, method, path, body });
    return answer(method, path, device);
  };
  return { calls, call };
}

const devices = () => [
  { device_id: 'dev-1', keyPair: { privateKey: 'key-1' } },
  { device_id: 'dev-2', keyPair: { privateKey: 'key-2' } },
];

/** A control over `browser` and `api`; `states` collects every state it shows. */
function control(browser, api = fakeApi(), options = {}) {
  const states = [];
  const saved = [];
  const push = createPushControl({
    push: browser.push, call: api.call, saveDevice: async (d) => { saved.push({ ...d }); },
    onChange: (s) => states.push(s), ...options,
  });
  return { push, states, saved, last: () => states.at(-1) };
}

const refused = (description, error = 'push_unavailable', status = 409) => ({ ok: false, status, data: null, error, description });

test('without Web Push in the browser: said so, nothing offered, the server not asked', async () => {
  const browser = fakeBrowser({ supported: false });
  browser.key = new Error('must not be asked');
  const c = control(browser);
  await c.push.sync(devices());
  assert.equal(c.last().name, 'unsupported');
  assert.equal(describePush(c.last()).button, null);
  assert.match(describePush(c.last()).text, /cannot receive notifications/);
});

test('a server that does not send Web Push: "not offered", no button', async () => {
  const browser = fakeBrowser();
  browser.key = null;
  const c = control(browser);
  await c.push.sync(devices());
  assert.equal(c.last().name, 'unavailable');
  assert.equal(describePush(c.last()).button, null);
  assert.match(describePush(c.last()).text, /This server does not send notifications/);
});

test('settings that cannot be read: a failure naming why', async () => {
  const browser = fakeBrowser();
  browser.key = new Error('HTTP 503');
  const c = control(browser);
  await c.push.sync(devices());
  assert.equal(c.last().name, 'failed');
  assert.match(describePush(c.last()).text, /settings could not be read \(Error: HTTP 503\)/);
  assert.equal(describePush(c.last()).kind, 'error');
});

test('offered and not on yet: "Turn on notifications", nothing asked of the browser', async () => {
  const browser = fakeBrowser();
  const c = control(browser);
  await c.push.sync(devices());
  assert.equal(c.last().name, 'off');
  assert.deepEqual(describePush(c.last()).button, { label: 'Turn on notifications', action: 'on' });
  assert.deepEqual(browser.log, []);
});

test('turning on: permission, the worker, a user-visible subscription with the server key, then PUT for every device', async () => {
  const browser = fakeBrowser();
  const api = fakeApi();
  const c = control(browser, api);
  const list = devices();
  await c.push.sync(list);
  await c.push.turnOn();

  assert.deepEqual(browser.log, ['requestPermission', 'register sw.js', 'subscribe']);
  const options = browser.subscribeOptions[0];
  assert.equal(options.userVisibleOnly, true);
  assert.equal(base64url(options.applicationServerKey), KEY);
  const body = { provider: 'webpush', subscription: browser.subscription.toJSON() };
  assert.deepEqual(api.calls, [
    { privateKey: 'key-1', device: 'dev-1', method: 'PUT', path: '/device/push', body },
    { privateKey: 'key-2', device: 'dev-2', method: 'PUT', path: '/device/push', body },
  ]);
  assert.deepEqual(c.saved.map((d) => [d.device_id, d.push_endpoint]),
    [['dev-1', browser.subscription.endpoint], ['dev-2', browser.subscription.endpoint]]);
  assert.deepEqual(c.states.map((s) => s.name), ['off', 'working', 'on']);
  assert.deepEqual(describePush(c.last()).button, { label: 'Turn off notifications', action: 'off' });
});

test('the browser refuses: blocked, with how to allow; nothing subscribed', async () => {
  const browser = fakeBrowser({ answer: 'denied' });
  const c = control(browser);
  await c.push.sync(devices());
  await c.push.turnOn();
  assert.equal(c.last().name, 'blocked');
  assert.deepEqual(browser.log, ['requestPermission']);
  assert.match(describePush(c.last()).text, /blocked .* site settings .* allow notifications/);
  assert.equal(describePush(c.last()).button, null, 'the browser would not ask again');
});

test('blocked already when the page loads: said so at once', async () => {
  const c = control(fakeBrowser({ permission: 'denied' }));
  await c.push.sync(devices());
  assert.equal(c.last().name, 'blocked');
});

test('the question closed without an answer: a failure that says so, and "Try again"', async () => {
  const browser = fakeBrowser({ answer: 'default' });
  const c = control(browser);
  await c.push.sync(devices());
  await c.push.turnOn();
  assert.equal(c.last().name, 'failed');
  assert.match(describePush(c.last()).text, /question was closed without allowing them\.$/);
  assert.deepEqual(describePush(c.last()).button, { label: 'Try again', action: 'on' });
});

test('no push service (as in headless Chromium): the browser\'s own error is shown, the server is not told', async () => {
  const error = Object.assign(new Error('Registration failed - push service not available'), { name: 'AbortError' });
  const browser = fakeBrowser({ subscribe: async () => { throw error; } });
  const api = fakeApi();
  const c = control(browser, api);
  await c.push.sync(devices());
  await c.push.turnOn();
  assert.equal(c.last().name, 'failed');
  assert.equal(describePush(c.last()).text, 'Notifications could not be turned on: the browser could not subscribe '
    + 'to its push service (AbortError: Registration failed - push service not available).');
  assert.deepEqual(api.calls, []);
});

test('a push service that never answers: a failure after the time limit', async () => {
  const browser = fakeBrowser({ subscribe: () => new Promise(() => {}) });
  const c = control(browser, fakeApi(), { timeoutMs: 30 });
  await c.push.sync(devices());
  await c.push.turnOn();
  assert.equal(c.last().name, 'failed');
  assert.match(describePush(c.last()).text, /push service did not answer within 0 s/);
});

test('the server refuses the address: its reason shown, the subscription and any address taken back', async () => {
  const browser = fakeBrowser();
  const api = fakeApi((method, path, device) => (method === 'PUT' && device.device_id === 'dev-2'
    ? refused('Web Push is not configured: set --spi-approval-guard-notifier--webpush--vapid-subject')
    : { ok: true, status: method === 'DELETE' ? 204 : 200, data: null }));
  const c = control(browser, api);
  const list = devices();
  await c.push.sync(list);
  await c.push.turnOn();

  assert.equal(c.last().name, 'failed');
  assert.match(describePush(c.last()).text, /did not accept this browser’s address \(Web Push is not configured: set --spi-approval-guard-notifier--webpush--vapid-subject\)\.$/);
  assert.equal(browser.subscription, null, 'unsubscribed');
  assert.deepEqual(api.calls.map((x) => x.method + ' ' + x.device), ['PUT dev-1', 'PUT dev-2', 'DELETE dev-1']);
  assert.equal(list[0].push_endpoint, undefined);
});

test('a key rotated on the server: the next load subscribes again with the new key and registers that', async () => {
  const browser = fakeBrowser({ permission: 'granted' });
  browser.registered = true;
  browser.subscription = browser.makeSubscription(fromBase64url(KEY));
  const old = browser.subscription.endpoint;
  const list = devices().map((d) => ({ ...d, push_endpoint: old }));
  browser.key = ROTATED;
  const api = fakeApi();
  const c = control(browser, api);
  await c.push.sync(list);

  assert.deepEqual(browser.log, ['unsubscribe ' + old, 'subscribe']);
  assert.equal(base64url(browser.subscribeOptions[0].applicationServerKey), ROTATED);
  assert.deepEqual(api.calls.map((x) => x.method + ' ' + x.device + ' ' + x.body.subscription.endpoint),
    ['PUT dev-1 ' + browser.subscription.endpoint, 'PUT dev-2 ' + browser.subscription.endpoint]);
  assert.equal(c.last().name, 'on');
});

test('on at load: registered again once (the server may have dropped it), then only for a device enrolled since', async () => {
  const browser = fakeBrowser({ permission: 'granted' });
  browser.registered = true;
  browser.subscription = browser.makeSubscription(fromBase64url(KEY));
  const api = fakeApi();
  const c = control(browser, api);
  const [first, second] = devices();
  first.push_endpoint = browser.subscription.endpoint;
  await c.push.sync([first]);
  assert.deepEqual(api.calls.map((x) => x.method + ' ' + x.device), ['PUT dev-1']);
  assert.deepEqual(c.saved, [], 'nothing new to store');
  assert.equal(c.last().name, 'on');

  await c.push.sync([first]);
  await c.push.sync([first, second]);
  assert.deepEqual(api.calls.map((x) => x.method + ' ' + x.device), ['PUT dev-1', 'PUT dev-2']);
  assert.equal(c.last().name, 'on');
});

test('a subscription the browser dropped: off, and the server told to forget the address once', async () => {
  const browser = fakeBrowser({ permission: 'granted' });
  const api = fakeApi(() => ({ ok: true, status: 204, data: null }));
  const c = control(browser, api);
  const list = devices();
  list[0].push_endpoint = 'https://fcm.googleapis.com/fcm/send/gone';
  await c.push.sync(list);
  assert.equal(c.last().name, 'off');
  assert.deepEqual(api.calls.map((x) => x.method + ' ' + x.device), ['DELETE dev-1']);
  await c.push.sync(list);
  assert.equal(api.calls.length, 1);
});

test('turning off: DELETE for every device, then unsubscribed; a server not told is said so', async () => {
  const browser = fakeBrowser();
  let down = false;
  const api = fakeApi((method) => (down && method === 'DELETE'
    ? { ok: false, status: 0, error: 'network_error', description: 'The server could not be reached.' }
    : { ok: true, status: method === 'DELETE' ? 204 : 200, data: null }));
  const c = control(browser, api);
  await c.push.sync(devices());
  await c.push.turnOn();
  await c.push.turnOff();
  assert.deepEqual(api.calls.slice(2).map((x) => x.method + ' ' + x.path), ['DELETE /device/push', 'DELETE /device/push']);
  assert.equal(browser.subscription, null);
  assert.equal(c.last().name, 'off');
  assert.equal(c.last().note, undefined);

  await c.push.turnOn();
  down = true;
  await c.push.turnOff();
  assert.equal(c.last().name, 'off');
  assert.equal(browser.subscription, null);
  assert.match(describePush(c.last()).text, /Turned off in this browser, but the server could not be told \(The server could not be reached\.\)/);
});

test('the last device removed from this browser takes the subscription with it', async () => {
  const browser = fakeBrowser();
  const c = control(browser);
  await c.push.sync(devices());
  await c.push.turnOn();
  await c.push.sync([devices()[0]]);
  assert.notEqual(browser.subscription, null, 'another device still uses it');
  await c.push.sync([]);
  assert.equal(browser.subscription, null);
  assert.equal(c.last().name, 'off');
});

test('every state has its words', () => {
  for (const name of ['unsupported', 'unavailable', 'off', 'on', 'blocked']) {
    assert.ok(describePush({ name }).text.length > 20, name);
  }
  assert.equal(describePush({ name: 'working', doing: 'on' }).text, 'Turning notifications on…');
  assert.equal(describePush({ name: 'working', doing: 'off' }).text, 'Turning notifications off…');
  assert.equal(describePush({ name: 'failed' }).text, 'Notifications could not be turned on: no reason was given.');
});
