/*
 * Client-supplied text is shown as text only: hidden and direction-changing characters become
 * visible markers, look-alike words are marked, markup stays characters. Rendering runs on a
 * fake document whose HTML setters throw.
 */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import {
  displaySegments, mixedWordLetters, newFindings, safeText, safeValue, scriptNames,
} from '../../main/resources/web-approver/display.js';
import {
  renderDetails, renderFindings, renderQuestion, renderTransactionSummary, renderWhere,
} from '../../main/resources/web-approver/render.js';
import { elementsOf, fakeDocument } from './fake-dom.mjs';

before(() => {
  globalThis.document = fakeDocument;
});

const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script>&amp;';

test('plain text is one segment', () => {
  assert.deepEqual(displaySegments('Account Console 2, café'), [{ kind: 'text', text: 'Account Console 2, café' }]);
  assert.deepEqual(displaySegments(MARKUP), [{ kind: 'text', text: MARKUP }]);
  assert.deepEqual(displaySegments('😀 αβγ абв'), [{ kind: 'text', text: '😀 αβγ абв' }]);
});

test('hidden and direction-changing characters become markers', () => {
  assert.deepEqual(displaySegments('pay\u202Eal'),
    [{ kind: 'text', text: 'pay' }, { kind: 'hidden', marker: '⟦U+202E⟧' }, { kind: 'text', text: 'al' }]);
  const hidden = ['\u0000', '\u001b', '\u007f', '\u0085', '\u061c', '\u200b', '\u200d', '\u200e', '\u2028', '\u2066',
    '\u2069', '\ufeff', '\u00ad', '\u3164', '\u115f', '\ud800', '\udc00', '\u{E0041}'];
  for (const ch of hidden) {
    const segments = displaySegments('a' + ch + 'b');
    assert.equal(segments.length, 3, JSON.stringify(ch));
    assert.equal(segments[1].kind, 'hidden', JSON.stringify(ch));
  }
  assert.equal(displaySegments('\u{E0041}')[0].marker, '⟦U+E0041⟧');
  assert.equal(displaySegments('\ud800')[0].marker, '⟦U+D800⟧');
});

test('a word mixing Latin with Cyrillic or Greek is marked, letter by letter', () => {
  const word = 'p\u0430ypal'; // Cyrillic a
  assert.deepEqual(displaySegments('pay ' + word + '.com'),
    [{ kind: 'text', text: 'pay ' }, { kind: 'mixed', word: word }, { kind: 'text', text: '.com' }]);
  assert.equal(scriptNames(word), 'Latin + Cyrillic');
  assert.deepEqual(mixedWordLetters(word).filter((l) => l.foreign).map((l) => l.letter), ['\u0430']);
  // Without Latin letters the Greek ones are the odd ones.
  assert.deepEqual(mixedWordLetters('\u0430\u03b2').filter((l) => l.foreign).map((l) => l.letter), ['\u03b2']);
  assert.equal(scriptNames('\u0430\u03b2'), 'Cyrillic + Greek');
});

test('safeText builds text nodes only, and records what it found', () => {
  const findings = newFindings();
  const node = safeText(MARKUP + ' p\u0430ypal \u202E', findings);
  assert.equal(node.textContent, MARKUP + ' p\u0430ypal ⟦U+202E⟧');
  assert.deepEqual(elementsOf(node).map((e) => e.tagName), ['SPAN', 'MARK', 'SPAN', 'SPAN']);
  assert.deepEqual([...findings.hidden], ['⟦U+202E⟧']);
  assert.deepEqual([...findings.mixed], ['p\u0430ypal']);
  assert.equal(safeText('', newFindings()).textContent, '(empty)');
});

test('non-string values are shown as their canonical JSON text', () => {
  assert.equal(safeValue({ b: [1, 1e21], a: '<b>' }, newFindings()).textContent, '{"a":"<b>","b":[1,1e+21]}');
});

test('a hostile context renders as text: no element comes from client text', () => {
  const context = {
    reason: 'sign-in', client_name: MARKUP, client_id: MARKUP, username: 'alice\u202E', realm: MARKUP,
    scope: 'openid ' + MARKUP, ip_address: MARKUP, location: MARKUP, country: MARKUP, browser: MARKUP,
    user_agent: MARKUP, binding_message: MARKUP, request_integrity: MARKUP, requested_at: MARKUP,
    authorization_details: [{ type: MARKUP, [MARKUP]: { [MARKUP]: [MARKUP, 1] }, creditorName: MARKUP },
      { type: 'payment_initiation', instructedAmount: { amount: MARKUP, currency: MARKUP },
        creditorName: MARKUP, creditorAccount: { iban: MARKUP } }],
    [MARKUP]: MARKUP,
  };
  const findings = newFindings();
  const hashNode = fakeDocument.createElement('code');
  const nodes = [...renderQuestion(context, findings), renderWhere(context, findings),
    ...renderTransactionSummary(context, findings), renderDetails(context, findings, hashNode), ...renderFindings(findings)];
  const tags = new Set(nodes.flatMap(elementsOf).map((e) => e.tagName));
  for (const tag of ['IMG', 'SCRIPT', 'B']) assert.ok(!tags.has(tag), tag + ' in ' + [...tags]);
  const text = nodes.map((n) => n.textContent).join('\n');
  assert.ok(text.includes(MARKUP));
  assert.ok(text.includes('alice⟦U+202E⟧'));
  assert.match(text, /hidden or direction-changing characters/);
});
