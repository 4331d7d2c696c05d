/* The page's encodings and its Device-Proof (docs/device-api.md), checked with Node's own WebCrypto. */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base64url, makeProof, randomId, sha256, utf8 } from '../../main/resources/web-approver/crypto.js';

const fromBase64url = (text) => new Uint8Array(Buffer.from(text, 'base64url'));
const decodeJson = (part) => Buffer.from(part, 'base64url').toString('utf8');

test('base64url is RFC 4648 section 5 without padding', () => {
  // RFC 4648 section 10.
  const expected = { '': '', f: 'Zg', fo: 'Zm8', foo: 'Zm9v', foob: 'Zm9vYg', fooba: 'Zm9vYmE', foobar: 'Zm9vYmFy' };
  for (const [text, encoded] of Object.entries(expected)) assert.equal(base64url(utf8(text)), encoded);
  assert.equal(base64url(new Uint8Array([0xfb, 0xff, 0xbf])), '-_-_');
  // Longer than one chunk of String.fromCharCode.
  const big = new Uint8Array(100000).map((_, i) => (i * 7919) % 256);
  assert.equal(base64url(big), Buffer.from(big).toString('base64url'));
});

test('utf8 encodes non-BMP characters as four bytes', () => {
  assert.deepEqual([...utf8('é\u{1F600}')], [0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
});

test('sha256 is the FIPS 180-2 digest', async () => {
  assert.equal(Buffer.from(await sha256(utf8('abc'))).toString('hex'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('random ids are 128 bits, base64url, and differ', () => {
  const ids = new Set(Array.from({ length: 100 }, randomId));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

async function keyPair() {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

async function verifies(publicKey, jws) {
  const [header, payload, signature] = jws.split('.');
  const raw = fromBase64url(signature);
  assert.equal(raw.length, 64, 'raw R || S, not DER');
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, raw, utf8(header + '.' + payload));
}

test('a device proof names the device and binds method, URL, time, nonce and body hash', async () => {
  const keys = await keyPair();
  const device = { device_id: 'dev-1', user_id: 'user-1' };
  const body = utf8('{"decision":"approve","context_hash":"abc"}');
  const url = 'https://idp.example/realms/demo/approval-guard/device/challenges/c1/answer';
  const jws = await makeProof(keys.privateKey, device, 'POST', url, body, 1763800000);

  const [header, payload] = jws.split('.');
  // The exact JSON the server receives (member order included).
  assert.equal(decodeJson(header), '{"typ":"ag-device-proof+jwt","alg":"ES256","kid":"dev-1"}');
  const claims = JSON.parse(decodeJson(payload));
  assert.deepEqual(Object.keys(claims), ['htm', 'htu', 'iat', 'jti', 'sub', 'bh']);
  assert.equal(decodeJson(payload), JSON.stringify({
    htm: 'POST', htu: url, iat: 1763800000, jti: claims.jti, sub: 'user-1', bh: base64url(await sha256(body)),
  }));
  assert.match(claims.jti, /^[A-Za-z0-9_-]{22}$/);
  assert.ok(await verifies(keys.publicKey, jws));
});

test('an enrolment proof has no kid or sub, and a request without a body no bh', async () => {
  const keys = await keyPair();
  const enrol = await makeProof(keys.privateKey, null, 'POST', 'https://idp.example/e', utf8('{}'), 5);
  assert.equal(decodeJson(enrol.split('.')[0]), '{"typ":"ag-device-proof+jwt","alg":"ES256"}');
  assert.deepEqual(Object.keys(JSON.parse(decodeJson(enrol.split('.')[1]))), ['htm', 'htu', 'iat', 'jti', 'bh']);
  assert.ok(await verifies(keys.publicKey, enrol));

  const get = await makeProof(keys.privateKey, { device_id: 'd', user_id: 'u' }, 'GET', 'https://idp.example/c', null, 5);
  assert.deepEqual(Object.keys(JSON.parse(decodeJson(get.split('.')[1]))), ['htm', 'htu', 'iat', 'jti', 'sub']);
  assert.ok(await verifies(keys.publicKey, get));
});

test('two proofs of the same request differ in their nonce', async () => {
  const keys = await keyPair();
  const device = { device_id: 'd', user_id: 'u' };
  const first = await makeProof(keys.privateKey, device, 'GET', 'https://idp.example/c', null, 5);
  const second = await makeProof(keys.privateKey, device, 'GET', 'https://idp.example/c', null, 5);
  assert.notEqual(JSON.parse(decodeJson(first.split('.')[1])).jti, JSON.parse(decodeJson(second.split('.')[1])).jti);
});
