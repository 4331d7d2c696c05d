/* The service worker (sw.js, a classic script) run against a fake `self`: what a push shows, and where a click leads. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';

const SOURCE = readFileSync(new URL('../../main/resources/web-approver/sw.js', import.meta.url), 'utf8');
const SCOPE = 'https://idp.example/realms/demo/approval-guard/app/';
const ID = 'b0f5e1f4-5a8c-4d0e-8d6f-2a7c6e9b1d03';
const TITLE = 'Sign-in approval';
const BODY = 'A request waits for your approval. Open to review it.';

/** A window client as clients.matchAll() gives it. */
function windowAt(url, visibilityState = 'visible') {
  const client = {
    url, visibilityState, messages: [], focused: 0,
    postMessage(message) { client.messages.push(message); },
    async focus() { client.focused++; return client; },
  };
  return client;
}

/** sw.js in its own context, with a fake self whose registration and clients record what they are asked. */
function worker(windows = []) {
  const listeners = {};
  const shown = [];
  const opened = [];
  const matchAllOptions = [];
  const self = {
    addEventListener(type, listener) { listeners[type] = listener; },
    skipWaiting() {},
    registration: {
      scope: SCOPE,
      async showNotification(title, options) { shown.push({ title, options }); },
    },
    clients: {
      async matchAll(options) { matchAllOptions.push(options); return windows; },
      async openWindow(url) { opened.push(url); return windowAt(url); },
      async claim() {},
    },
  };
  vm.runInNewContext(SOURCE, { self, URL }, { filename: 'sw.js' });

  /** Dispatches like the browser does, and waits for what the listener asked it to wait for. */
  async function dispatch(type, event) {
    const waits = [];
    listeners[type]({ ...event, waitUntil: (promise) => waits.push(promise) });
    await Promise.all(waits);
    return waits.length;
  }
  const push = (payload) => dispatch('push', {
    data: payload === null ? null : { json: () => JSON.parse(payload) },
  });
  const click = (notification) => dispatch('notificationclick', { notification });
  return { push, click, shown, opened, matchAllOptions };
}

const waiting = (id, extra = {}) => JSON.stringify({ type: 'challenge_waiting', challenge_id: id, ...extra });

test('a waiting challenge shows one generic notification, tagged with its id, that opens the approver on it', async () => {
  const sw = worker();
  await sw.push(waiting(ID));

  assert.equal(sw.shown.length, 1);
  const { title, options } = sw.shown[0];
  assert.equal(title, TITLE);
  assert.equal(options.body, BODY);
  assert.equal(options.tag, ID);
  assert.deepEqual({ ...options.data }, { url: SCOPE + '#challenge=' + ID, challenge_id: ID });
});

test('the notification says nothing the payload says beyond the id, whatever else a payload carries', async () => {
  const sw = worker();
  await sw.push(waiting(ID, { username: 'alice', client_name: 'Bank', code: '42' }));

  const shown = JSON.stringify(sw.shown[0]);
  for (const word of ['alice', 'Bank', '42']) assert.ok(!shown.includes(word), shown);
  assert.equal(sw.shown[0].options.body, BODY);
});

test('open approver windows are told to ask at once; other pages of the origin are not', async () => {
  const approver = windowAt(SCOPE);
  const account = windowAt('https://idp.example/realms/demo/account/');
  const sw = worker([approver, account]);
  await sw.push(waiting(ID));

  assert.deepEqual(approver.messages.map((m) => ({ ...m })), [{ type: 'challenge_waiting', challenge_id: ID }]);
  assert.deepEqual(account.messages, []);
  // the page that registered the worker is not controlled by it until it reloads
  assert.deepEqual({ ...sw.matchAllOptions[0] }, { type: 'window', includeUncontrolled: true });
});

test('anything but a waiting challenge shows nothing and tells no window', async () => {
  for (const payload of [
    JSON.stringify({ type: 'challenge_answered', challenge_id: ID }),
    JSON.stringify({ challenge_id: ID }),
    JSON.stringify({ type: 'challenge_waiting' }),
    JSON.stringify({ type: 'challenge_waiting', challenge_id: 42 }),
    waiting('../../account#x'),
    waiting('<img src=x>'),
    waiting('x'.repeat(129)),
    'not json',
    'null',
    null,
  ]) {
    const approver = windowAt(SCOPE);
    const sw = worker([approver]);
    await sw.push(payload);
    assert.deepEqual(sw.shown, [], String(payload));
    assert.deepEqual(approver.messages, [], String(payload));
  }
});

/** A notification as the click event carries it, recording close(). */
function notificationFor(data) {
  const notification = { data, closed: 0, close() { notification.closed++; } };
  return notification;
}

test('a click closes the notification and focuses the open approver, telling it which request', async () => {
  const hidden = windowAt(SCOPE + '#x', 'hidden');
  const shown = windowAt(SCOPE, 'visible');
  const sw = worker([windowAt('https://idp.example/realms/demo/account/'), hidden, shown]);
  await sw.push(waiting(ID));
  const notification = notificationFor(sw.shown[0].options.data);
  await sw.click(notification);

  assert.equal(notification.closed, 1);
  assert.equal(shown.focused, 1, 'the visible approver window is the one brought forward');
  assert.deepEqual({ ...shown.messages.at(-1) }, { type: 'show_challenge', challenge_id: ID });
  assert.equal(hidden.focused, 0);
  assert.deepEqual(sw.opened, []);
});

test('a click with no approver open opens it on the request', async () => {
  const sw = worker([windowAt('https://idp.example/realms/demo/account/')]);
  const notification = notificationFor({ url: SCOPE + '#challenge=' + ID, challenge_id: ID });
  await sw.click(notification);

  assert.equal(notification.closed, 1);
  assert.deepEqual(sw.opened, [SCOPE + '#challenge=' + ID]);
});

test('a click on a notification without a usable id opens the approver as it is', async () => {
  const sw = worker();
  await sw.click(notificationFor({ challenge_id: 'javascript:alert(1)' }));
  assert.deepEqual(sw.opened, [SCOPE]);
});
