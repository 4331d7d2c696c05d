/*
 * Approval Guard - the web approver's service worker (scope: this folder).
 *
 * A push only ever says "a challenge waits, look now" ({"type":"challenge_waiting","challenge_id":...},
 * docs/device-api.md): no name, no code, nothing personal. So the notification is a fixed, generic
 * text; what the request is, and whether it is real, the page learns from the signed API as always.
 * A classic script (not a module) so that every browser with Web Push can run it; no fetch, no cache.
 */
'use strict';

const NOTIFICATION_TITLE = 'Sign-in approval';
const NOTIFICATION_BODY = 'A request waits for your approval. Open to review it.';
// What a challenge id can be (the server's are UUIDs): anything else is not ours to put in a URL.
const CHALLENGE_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** The challenge id of a push payload we understand, else null (any other type is ignored). */
function waitingChallengeId(data) {
  let message;
  try {
    message = data ? data.json() : null;
  } catch (e) {
    return null;
  }
  if (!message || message.type !== 'challenge_waiting') return null;
  const id = message.challenge_id;
  return typeof id === 'string' && CHALLENGE_ID.test(id) ? id : null;
}

/** The approver page that shows this challenge first. */
function approverUrl(challengeId) {
  return new URL('./#challenge=' + encodeURIComponent(challengeId), self.registration.scope).href;
}

/** The open windows of the approver page (not other pages of this origin). */
async function approverWindows() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.filter((w) => w.url.startsWith(self.registration.scope));
}

async function tellWindows(message) {
  for (const w of await approverWindows()) w.postMessage(message);
}

async function openApprover(challengeId) {
  const message = { type: 'show_challenge', challenge_id: challengeId };
  const windows = await approverWindows();
  const visible = windows.find((w) => w.visibilityState === 'visible') || windows[0];
  if (visible) {
    visible.postMessage(message);
    return visible.focus();
  }
  return self.clients.openWindow(approverUrl(challengeId));
}

self.addEventListener('install', () => self.skipWaiting());
// Take over the page that registered it, so its messages reach that page too.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  const challengeId = waitingChallengeId(event.data);
  if (!challengeId) return;
  event.waitUntil(Promise.all([
    self.registration.showNotification(NOTIFICATION_TITLE, {
      body: NOTIFICATION_BODY,
      tag: challengeId, // a repeated push for the same request replaces its notification
      icon: 'icon-192.png',
      data: { url: approverUrl(challengeId), challenge_id: challengeId },
    }),
    tellWindows({ type: 'challenge_waiting', challenge_id: challengeId }),
  ]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const challengeId = typeof data.challenge_id === 'string' && CHALLENGE_ID.test(data.challenge_id)
    ? data.challenge_id : null;
  event.waitUntil(challengeId ? openApprover(challengeId) : self.clients.openWindow(self.registration.scope));
});
