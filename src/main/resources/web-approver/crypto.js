/*
 * Encoding and signing for the device API (docs/device-api.md): base64url, SHA-256, RFC 8785
 * canonical JSON and the context hash, and the Device-Proof (compact JWS, ES256). Pure: no DOM,
 * only WebCrypto, which is globalThis.crypto in browsers and in Node alike.
 */

/** RFC 4648 section 5 base64url, without padding. */
export function base64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export async function sha256(bytes) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}

/** RFC 8785's member order: by UTF-16 code units, which is what JS string comparison compares. */
function compareUtf16(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical JSON, RFC 8785 (JSON Canonicalization Scheme), of a value as JSON.parse returns it:
 * objects at any depth with their members sorted by name in UTF-16 code-unit order, arrays in
 * their order, no white space; strings as JSON.stringify escapes them; numbers as JSON.stringify
 * writes them, which is ECMAScript's Number::toString, the very form RFC 8785 section 3.2.2.3
 * prescribes (12.5, 1e+21, 1.5e-7, -0 as 0); true, false and null. The sort uses an explicit
 * comparator: a bare `.sort()` on entries compares "key,value" strings and mis-orders "a", "a!".
 */
export function canonicalJson(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('NaN and infinities have no JSON form');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      const keys = Object.keys(value).sort(compareUtf16);
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(value[k])).join(',') + '}';
    }
    default:
      throw new TypeError('not a JSON value: ' + typeof value);
  }
}

/** base64url(SHA-256(canonical JSON)) - the context_hash of the doc, section 4. */
export async function contextHash(context) {
  return base64url(await sha256(utf8(canonicalJson(context))));
}

/** 128 random bits, base64url: proof nonces (jti) and element ids. */
export function randomId() {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Compact JWS signed with ES256. WebCrypto's ECDSA output is already the raw 64-byte R || S that
 * JWS wants (not DER), so no conversion is needed.
 */
async function signJws(privateKey, header, payload) {
  const input = base64url(utf8(JSON.stringify(header))) + '.' + base64url(utf8(JSON.stringify(payload)));
  const signature = await globalThis.crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8(input));
  return input + '.' + base64url(new Uint8Array(signature));
}

/**
 * Device-Proof for one request. `device` is null on enrolment (no kid/sub exist yet);
 * `bodyBytes` is the exact byte array that will be sent, or null when there is no body.
 */
export async function makeProof(privateKey, device, method, url, bodyBytes, iat) {
  const header = { typ: 'ag-device-proof+jwt', alg: 'ES256' };
  if (device) header.kid = device.device_id;
  const payload = { htm: method, htu: url, iat: iat, jti: randomId() };
  if (device) payload.sub = device.user_id;
  if (bodyBytes) payload.bh = base64url(await sha256(bodyBytes));
  return signJws(privateKey, header, payload);
}
