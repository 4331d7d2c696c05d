/* A notification opens the page on its request: that card comes first, now or when a poll brings it. */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { createChallengeCards } from '../../main/resources/web-approver/cards.js';
import { fakeDocument } from './fake-dom.mjs';

before(() => {
  globalThis.document = fakeDocument;
});

const device = { device_id: 'dev-1', user_id: 'user-1', keyPair: { privateKey: 'key' } };
const challenge = (id) => ({
  id, created_at: 1764640100, expires_at: 1764640700, context_hash: 'h',
  context: { reason: 'sign-in', client_name: 'App ' + id, username: 'alice' }, verification: { type: 'none' },
});

function page() {
  const container = fakeDocument.createElement('div');
  const cards = createChallengeCards({
    container, emptyNote: fakeDocument.createElement('p'), clock: { nowSeconds: () => 1764640110 },
    call: async () => ({ ok: true, status: 200, data: {} }), accountUrl: 'https://idp.example/a', onAdded: () => {},
  });
  const order = () => container.childNodes.map((n) => n.getAttribute('data-challenge-id'));
  const marked = () => container.childNodes.filter((n) => n.classList.contains('challenge-wanted'))
    .map((n) => n.getAttribute('data-challenge-id'));
  return { cards, order, marked };
}

test('a card already shown moves first and is marked', () => {
  const { cards, order, marked } = page();
  cards.sync(device, [challenge('a'), challenge('b')]);
  assert.deepEqual(order(), ['b', 'a']);
  cards.show('a');
  assert.deepEqual(order(), ['a', 'b']);
  assert.deepEqual(marked(), ['a']);
});

test('a request not listed yet comes first when the poll brings it, even beside newer ones', () => {
  const { cards, order, marked } = page();
  cards.sync(device, [challenge('a')]);
  cards.show('a');
  cards.show('c');
  assert.deepEqual(marked(), ['a']);
  cards.sync(device, [challenge('a'), challenge('c'), challenge('d')]);
  assert.equal(order()[0], 'c');
  assert.deepEqual(marked(), ['c'], 'only the last one opened is marked');
  cards.sync(device, [challenge('a'), challenge('c'), challenge('d'), challenge('e')]);
  assert.equal(order()[0], 'e', 'shown first once, not held first for ever');
});
