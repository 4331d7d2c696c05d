/*
 * The page's canonical JSON (RFC 8785) is the server's: the same vectors as the server's
 * CanonicalJson, whose outputs they hold. Each input is JSON text, so that spellings such as 4.50
 * or 1E30 reach the parser as written; the page canonicalises what JSON.parse returns, as it does
 * with a challenge's context.
 */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { canonicalJson, contextHash } from '../../main/resources/web-approver/crypto.js';

const vectors = JSON.parse(readFileSync(new URL('../resources/canonical-json-vectors.json', import.meta.url), 'utf8'));

test('the shared vectors cover every kind of value', () => {
  assert.ok(vectors.length >= 40, vectors.length + ' vectors');
  for (const vector of vectors) {
    assert.equal(typeof vector.name, 'string');
    assert.equal(typeof vector.input, 'string', vector.name);
    assert.equal(typeof vector.canonical, 'string', vector.name);
  }
  assert.equal(new Set(vectors.map((v) => v.name)).size, vectors.length, 'names are unique');
});

for (const vector of vectors) {
  test('canonical JSON as the server writes it: ' + vector.name, () => {
    assert.equal(canonicalJson(JSON.parse(vector.input)), vector.canonical);
  });
}

test('the canonical form reads back to the same canonical form', () => {
  for (const vector of vectors) {
    assert.equal(canonicalJson(JSON.parse(vector.canonical)), vector.canonical, vector.name);
  }
});

test('the context hash is base64url SHA-256 of the canonical UTF-8 bytes, as the server computes it', async () => {
  // The server's CanonicalJsonTest: SHA-256("{}").
  assert.equal(await contextHash({}), 'RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o');
  // Member order does not change the hash; a non-ASCII character is hashed as its UTF-8 bytes.
  assert.equal(await contextHash({ b: 'é', a: 1 }), await contextHash({ a: 1, b: 'é' }));
  assert.notEqual(await contextHash({ n: '\u00e9' }), await contextHash({ n: 'e\u0301' }));
});

test('values without a JSON form are refused, not written', () => {
  assert.throws(() => canonicalJson(NaN), TypeError);
  assert.throws(() => canonicalJson(Infinity), TypeError);
  assert.throws(() => canonicalJson({ a: -Infinity }), TypeError);
  assert.throws(() => canonicalJson(undefined), TypeError);
  assert.throws(() => canonicalJson([() => 1]), TypeError);
  assert.throws(() => canonicalJson(JSON.parse('1e400')), TypeError);
});
