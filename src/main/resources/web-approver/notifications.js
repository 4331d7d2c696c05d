/*
 * "Turn on notifications": this browser's Web Push subscription, registered for every approver
 * device of this realm on this page (PUT /device/push, signed like every device request; see
 * docs/device-api.md). One subscription serves them all: the browser has one per service worker.
 *
 * The controller is given the browser's Web Push through `push` (browserPush() below, a fake in
 * the Node tests) and reports each state to `onChange` (see push-texts.js for the states).
 */
import { base64url } from './crypto.js';
import { REASONS } from './push-texts.js';

const SUBSCRIBE_TIMEOUT_MS = 20000; // a browser without a reachable push service may never answer

/** RFC 4648 section 5 base64url (padding allowed) to bytes. */
export function fromBase64url(text) {
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The browser's Web Push, in the shape the controller uses. */
export function browserPush(win, apiBase) {
  const nav = win.navigator;
  return {
    supported: !!(nav && 'serviceWorker' in nav && 'PushManager' in win && 'Notification' in win),
    permission: () => win.Notification.permission,
    requestPermission: () => win.Notification.requestPermission(),
    registration: () => nav.serviceWorker.getRegistration(),
    // Scope: this folder, the script's own, so no Service-Worker-Allowed header is needed.
    register: () => nav.serviceWorker.register('sw.js').then(() => nav.serviceWorker.ready),
    /** The server's application server key (VAPID public key) when it sends Web Push, else null. */
    async serverKey() {
      const response = await win.fetch(apiBase + '/device/push-config', {
        headers: { Accept: 'application/json' }, credentials: 'omit', cache: 'no-store', redirect: 'error',
      });
      if (response.status === 404) return null; // a server from before push delivery
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const data = await response.json();
      const webpush = data && data.providers && data.providers.webpush;
      return webpush && typeof webpush.application_server_key === 'string' ? webpush.application_server_key : null;
    },
  };
}

/** A failure whose reason is already in the page's words. */
class PushFailure extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

function describeError(e) {
  return e && e.name && e.message ? e.name + ': ' + e.message : String(e);
}

function withTimeout(promise, ms, failure) {
  let timer;
  const late = new Promise((resolve, reject) => { timer = setTimeout(() => reject(failure()), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Made with this key? A browser that does not tell counts as yes: re-subscribing on every load would be worse. */
function madeWithKey(subscription, key) {
  const made = subscription.options && subscription.options.applicationServerKey;
  return !made || base64url(new Uint8Array(made)) === key.replace(/=+$/, '');
}

/**
 * The control. `call` is the signed API client, `saveDevice` stores a device record (each
 * remembers the endpoint it registered, `push_endpoint`, to take it back once the browser drops it).
 */
export function createPushControl({ push, call, saveDevice, onChange, timeoutMs = SUBSCRIBE_TIMEOUT_MS }) {
  let devices = [];
  let queue = Promise.resolve();
  // device id -> endpoint told to the server since this page loaded: once per load, as an app
  // registers each time it starts (the server drops an address its push service calls gone).
  const told = new Map();
  const set = (state) => onChange(state);

  async function serverKey() {
    try {
      return await push.serverKey();
    } catch (e) {
      throw new PushFailure(REASONS.configUnreadable(describeError(e)));
    }
  }

  async function subscription() {
    const registration = await push.registration();
    return registration ? registration.pushManager.getSubscription() : null;
  }

  async function subscribe(registration, key) {
    const options = { userVisibleOnly: true, applicationServerKey: fromBase64url(key) };
    try {
      return await withTimeout(registration.pushManager.subscribe(options), timeoutMs,
        () => new PushFailure(REASONS.subscribeTimeout(Math.round(timeoutMs / 1000))));
    } catch (e) {
      throw e instanceof PushFailure ? e : new PushFailure(REASONS.subscribeFailed(describeError(e)));
    }
  }

  /** Tells the server of this subscription for every device not told of it since the page loaded. */
  async function registerDevices(sub) {
    const body = { provider: 'webpush', subscription: sub.toJSON() };
    for (const device of devices) {
      if (told.get(device.device_id) === sub.endpoint) continue;
      const result = await call(device.keyPair.privateKey, device, 'PUT', '/device/push', body);
      if (!result.ok) throw new PushFailure(REASONS.serverRefused(result.description));
      told.set(device.device_id, sub.endpoint);
      if (device.push_endpoint !== sub.endpoint) {
        device.push_endpoint = sub.endpoint;
        await saveDevice(device);
      }
    }
  }

  /** Removes the address of `which` devices on the server; the first failure's description, or null. */
  async function forgetDevices(which) {
    let failure = null;
    for (const device of devices.filter(which)) {
      const result = await call(device.keyPair.privateKey, device, 'DELETE', '/device/push');
      // unknown_device: the device, and its address with it, is gone already
      if (result.ok || result.error === 'unknown_device') {
        told.delete(device.device_id);
        delete device.push_endpoint;
        await saveDevice(device);
      } else if (!failure) {
        failure = result.description;
      }
    }
    return failure;
  }

  /** Where things stand, mending what can be mended without asking: a rotated key, a new device. */
  async function check() {
    if (!push.supported) return set({ name: 'unsupported' });
    const key = await serverKey();
    if (!key) return set({ name: 'unavailable' });
    if (push.permission() === 'denied') return set({ name: 'blocked' });
    let sub = await subscription();
    if (!sub || push.permission() !== 'granted') {
      // The server may still hold an address this browser dropped: tell it, once.
      await forgetDevices((d) => !!d.push_endpoint);
      return set({ name: 'off' });
    }
    if (!madeWithKey(sub, key)) {
      // The server's key was rotated: pushes signed with the new key are refused for the old subscription.
      set({ name: 'working', doing: 'check' });
      await sub.unsubscribe();
      sub = await subscribe(await push.registration(), key);
    }
    await registerDevices(sub);
    return set({ name: 'on' });
  }

  async function turnOn() {
    set({ name: 'working', doing: 'on' });
    const key = await serverKey();
    if (!key) return set({ name: 'unavailable' });
    const permission = await push.requestPermission();
    if (permission === 'denied') return set({ name: 'blocked' });
    if (permission !== 'granted') throw new PushFailure(REASONS.dismissed);
    let registration;
    try {
      registration = await withTimeout(push.register(), timeoutMs, () => new Error('it did not start within '
        + Math.round(timeoutMs / 1000) + ' s'));
    } catch (e) {
      throw new PushFailure(REASONS.workerFailed(describeError(e)));
    }
    let sub = await registration.pushManager.getSubscription();
    if (sub && !madeWithKey(sub, key)) {
      await sub.unsubscribe();
      sub = null;
    }
    if (!sub) sub = await subscribe(registration, key);
    try {
      await registerDevices(sub);
    } catch (e) {
      // Half on is not on: no subscription the server does not know of, nor addresses of one gone.
      await sub.unsubscribe().catch(() => {});
      await forgetDevices((d) => !!d.push_endpoint);
      throw e;
    }
    return set({ name: 'on' });
  }

  async function turnOff() {
    set({ name: 'working', doing: 'off' });
    const failure = await forgetDevices(() => true);
    const sub = await subscription();
    if (sub) await sub.unsubscribe();
    return set({ name: 'off', note: failure ? REASONS.notToldServer(failure) : undefined });
  }

  /** Runs the steps one after the other (a device enrolled while turning on is not missed); a failure is shown with its reason. */
  function run(step) {
    queue = queue.then(step).catch((e) => {
      set({ name: 'failed', reason: e instanceof PushFailure ? e.reason : describeError(e) });
    });
    return queue;
  }

  return {
    /** The devices of this page, after load, enrolment or removal; the last one gone takes the subscription. */
    sync(list) {
      devices = list;
      if (list.length > 0 || !push.supported) return run(check);
      return run(async () => {
        const sub = await subscription();
        if (sub) await sub.unsubscribe();
        set({ name: 'off' });
      });
    },
    turnOn: () => run(turnOn),
    turnOff: () => run(turnOff),
  };
}
