/* The poller asks anew at once when kicked, cancelling a request the server still holds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createPoller } from '../../main/resources/web-approver/poller.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** An ask() whose requests stay held until answered or aborted, as a held GET /device/challenges. */
function heldRequests() {
  const asked = [];
  const ask = (signal) => new Promise((resolve) => {
    const request = { signal, answer: (result) => resolve(result) };
    signal.addEventListener('abort', () => resolve({ ok: false, status: 0, error: 'aborted' }));
    asked.push(request);
  });
  return { asked, ask };
}

test('a kick cancels the held request and asks again at once; the cancelled one shows nothing', async () => {
  const { asked, ask } = heldRequests();
  const results = [];
  const poller = createPoller(ask, (r) => results.push(r), () => false);
  assert.equal(asked.length, 1);

  poller.kick();
  await tick();
  assert.equal(asked[0].signal.aborted, true);
  assert.equal(asked.length, 2, 'asked anew without waiting');
  assert.deepEqual(results, []);

  asked[1].answer({ ok: true, status: 200, data: { challenges: [] } });
  await tick();
  assert.equal(results.length, 1);
  poller.kick();
  assert.equal(asked.length, 3);
  poller.stop();
  assert.equal(asked.at(-1).signal.aborted, true, 'stop cancels what is in flight');
});

test('a kick between requests asks at once; a kick on a hidden page does nothing', async () => {
  let hidden = false;
  let count = 0;
  const poller = createPoller(async () => { count++; return { ok: true, status: 200, data: {} }; }, () => {}, () => hidden);
  await tick();
  assert.equal(count, 1); // the next one waits 2 s: a server that does not hold
  poller.kick();
  await tick();
  assert.equal(count, 2);

  hidden = true;
  poller.kick();
  await tick();
  assert.equal(count, 2);
  poller.stop();
});
