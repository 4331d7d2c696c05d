/*
 * What the notifications control says in each state (pure, tested in Node). The page is English
 * only, like every other text of it; the service worker's notification text is in sw.js.
 *
 * States: loading, unsupported (this browser has no Web Push), unavailable (this server does not
 * send it), off, working, on, blocked (the browser refuses: only its settings can allow it),
 * failed (with the real reason).
 */

const TEXTS = {
  loading: '',
  unsupported: 'This browser cannot receive notifications for this page. Keep the page open to see new '
    + 'requests. (On an iPhone or iPad: add this page to the Home Screen and open it from there.)',
  unavailable: 'This server does not send notifications. Keep this page open to see new requests.',
  off: 'Get a notification when a request waits for you, even while this page is closed.',
  on: 'Notifications are on: this browser shows one when a request waits for you.',
  blocked: 'Notifications are blocked for this page in the browser. To allow them, open the site '
    + 'settings (the icon beside the address), allow notifications, then reload this page.',
};

const WORKING = { on: 'Turning notifications on…', off: 'Turning notifications off…', check: 'Checking notifications…' };

/** The button each state offers, with the action it starts; null when there is nothing to press. */
const BUTTONS = {
  off: { label: 'Turn on notifications', action: 'on' },
  on: { label: 'Turn off notifications', action: 'off' },
  failed: { label: 'Try again', action: 'on' },
};

/**
 * What the control shows for `state` ({ name, reason?, doing?, note? }): the text, its kind
 * (error or none) and the button.
 */
export function describePush(state) {
  let text;
  let kind = null;
  if (state.name === 'working') {
    text = WORKING[state.doing] || WORKING.check;
  } else if (state.name === 'failed') {
    text = 'Notifications could not be turned on: ' + sentence(state.reason || 'no reason was given');
    kind = 'error';
  } else {
    text = TEXTS[state.name] || '';
  }
  if (state.note) text += ' ' + sentence(state.note);
  return { text: text, kind: kind, button: BUTTONS[state.name] || null };
}

/** The reasons the controller gives, in the page's words. */
export const REASONS = {
  dismissed: 'the browser’s question was closed without allowing them',
  configUnreadable: (why) => 'the server’s notification settings could not be read (' + why + ')',
  subscribeFailed: (why) => 'the browser could not subscribe to its push service (' + why + ')',
  subscribeTimeout: (seconds) => 'the browser’s push service did not answer within ' + seconds + ' s',
  workerFailed: (why) => 'the page’s service worker could not be started (' + why + ')',
  serverRefused: (why) => 'the server did not accept this browser’s address (' + why + ')',
  notToldServer: (why) => 'Turned off in this browser, but the server could not be told (' + why
    + '); it stops by itself once the push service reports the address gone.',
};

/** "x" -> "x.", keeping a final ".", "?" or "!". */
function sentence(text) {
  return /[.?!]$/.test(text) ? text : text + '.';
}
