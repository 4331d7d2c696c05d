/*
 * Change approvals on the web approver (docs/device-api.md, "Change approvals"): each kind says in
 * words what will happen, hostile strings stay text, an unknown kind still shows every member, every
 * value that is signed is on the card, and Approve and Deny send the hash the server computes (the
 * shared vectors in change-approval-vectors.json, which the server's ChangeApprovalVectorsTest
 * checks too). Rendering runs on a fake document whose HTML setters throw.
 */
import './webcrypto.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';

import { createChallengeCards } from '../../main/resources/web-approver/cards.js';
import {
  changeLineSummary, isChangeApproval, renderChangeApproval, requestHashMatches,
} from '../../main/resources/web-approver/change.js';
import { canonicalJson, contextHash } from '../../main/resources/web-approver/crypto.js';
import { newFindings, safeText } from '../../main/resources/web-approver/display.js';
import { formatTime } from '../../main/resources/web-approver/format.js';
import { renderFindings } from '../../main/resources/web-approver/render.js';
import { byClass, elementsOf, fakeDocument } from './fake-dom.mjs';

before(() => {
  globalThis.document = fakeDocument;
});

const { vectors } = JSON.parse(readFileSync(new URL('./change-approval-vectors.json', import.meta.url), 'utf8'));
const vector = (name) => {
  const found = vectors.find((v) => v.name === name);
  assert.ok(found, name);
  return found;
};
const contextOf = (name) => JSON.parse(vector(name).context);
const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script>&amp;';

/** The card's content for `context`, as one root, with what the string checks found. */
function render(context) {
  const findings = newFindings();
  const hashNode = fakeDocument.createElement('code');
  const requestHashNode = fakeDocument.createElement('span');
  const { first, summary, details } = renderChangeApproval(context, findings, hashNode, requestHashNode);
  const root = fakeDocument.createElement('div');
  root.append(...first, ...summary, details, ...renderFindings(findings));
  return { root, first, summary, details, findings };
}

const question = (root) => byClass(root, 'challenge-question')[0].textContent;

/** The change's rows on the card: their dt text -> dd text. */
function changeRows(root) {
  const rows = {};
  for (const row of byClass(byClass(root, 'cr-change')[0], 'context-row')) {
    rows[row.children[0].textContent] = row.children[1].textContent;
  }
  return rows;
}

function factRows(root) {
  const rows = {};
  for (const row of byClass(byClass(root, 'cr-facts')[0], 'context-row')) rows[row.dataset.key] = row.children[1].textContent;
  return rows;
}

test('the shared vectors: the page hashes each context, and its change request, as the server does', async () => {
  assert.ok(vectors.length >= 12, vectors.length + ' vectors');
  for (const v of vectors) {
    const context = JSON.parse(v.context);
    assert.ok(isChangeApproval(context), v.name);
    assert.equal(canonicalJson(context), v.canonical, v.name);
    assert.equal(await contextHash(context), v.context_hash, v.name);
    assert.equal(context.request_hash, v.request_hash, v.name);
    assert.ok(await requestHashMatches(context), v.name);
  }
});

test('each kind says what will happen, in words', () => {
  const expected = {
    reset_second_factors: 'Approve a change for alice: reset their second factors',
    reset_password: 'Approve a change for alice: reset their password',
    change_email: 'Approve a change for alice: change their email address',
    'grant_role realm role': 'Approve a change for alice: give them a role for a limited time',
    grant_group: 'Approve a change for alice: add them to a group for a limited time',
    remove_device: 'Approve a change for alice: remove one of their approver devices',
    unlock_user: 'Approve a change for alice: unlock their account',
    policy_change: 'Approve a change to the approval policy of demo',
  };
  for (const [name, words] of Object.entries(expected)) assert.equal(question(render(contextOf(name)).root), words, name);
});

test('each kind shows its change: role and how long, old and new email, group, device, what is unlocked', () => {
  assert.deepEqual(changeRows(render(contextOf('reset_password')).root), { 'The link works for': '15 minutes' });
  assert.deepEqual(changeRows(render(contextOf('change_email')).root),
    { 'Email address': 'alice@example.org → alice.new@example.net' });
  assert.deepEqual(changeRows(render(contextOf('grant_role realm role')).root),
    { Role: 'ops-admin (realm role)', For: '1 hour, then removed by itself' });
  assert.deepEqual(changeRows(render(contextOf('grant_role client role')).root),
    { Role: 'manage-users of the client realm-management', For: '1 hour 30 minutes, then removed by itself' });
  assert.deepEqual(changeRows(render(contextOf('grant_group')).root), { Group: '/ops', For: '1 day, then removed by itself' });
  assert.deepEqual(changeRows(render(contextOf('remove_device')).root), { Device: "Alice's phone" });
  assert.deepEqual(changeRows(render(contextOf('unlock_user')).root),
    { 'Enable the account again': 'Yes', 'End the lock-out after failed sign-ins': 'Yes' });
  const reset = render(contextOf('reset_second_factors')).root;
  assert.deepEqual(changeRows(reset), {});
  assert.match(byClass(reset, 'cr-note')[0].textContent, /approver devices, one-time passwords and security keys are removed/);
  const policy = changeRows(render(contextOf('policy_change')).root)['New policy'];
  for (const part of ['reset_second_factors', '/helpdesk-leads', '/security', 'lost_device', '3600']) assert.ok(policy.includes(part), part);
});

test('the card shows why, for whom, by whom, with what evidence and until when', () => {
  const context = contextOf('reset_second_factors');
  const facts = factRows(render(context).root);
  assert.deepEqual(facts, {
    subject: 'alice · alice@example.org',
    reason_code: 'lost_device',
    justification: 'Alice called from her desk phone; her phone was stolen yesterday.',
    ticket: 'INC-1234',
    requester: 'hank',
    evidence: 'call log caller_verified',
    break_glass: 'No',
    created_at: formatTime(1764640000),
    expires_at: formatTime(1764643600),
  });
  // No ticket: no ticket row; no evidence: said so.
  assert.ok(!('ticket' in factRows(render(contextOf('grant_role realm role')).root)));
  assert.equal(factRows(render(contextOf('unlock_user')).root).evidence, '(none)');
});

test('break-glass is the first thing on the card', () => {
  const { first, root } = render(contextOf('break-glass'));
  assert.equal(first[0].getAttribute('data-kind'), 'break-glass');
  assert.equal(first[0].getAttribute('role'), 'alert');
  assert.match(first[0].textContent, /^Break-glass: an emergency change/);
  assert.equal(factRows(root).break_glass, 'Yes');
  assert.equal(render(contextOf('grant_role realm role')).root.textContent.includes('emergency'), false);
  // A value other than true or false is still shown, and still warned about.
  const odd = contextOf('break-glass');
  odd.change_request.break_glass = 'yes';
  assert.match(render(odd).first[0].textContent, /^Break-glass \(yes\)/);
});

test('an unknown kind is named as sent and every member of its change is on the card', () => {
  const { root } = render(contextOf('unknown kind'));
  assert.equal(question(root), 'Approve a change for alice of a kind this page does not know: rotate_keys');
  assert.match(byClass(root, 'cr-unknown')[0].textContent, /does not know this kind/);
  assert.deepEqual(changeRows(root), {
    key_id: 'k-42', algorithm: 'ES256', retire_after_seconds: '604800', notify: 'No', targets: 'webmobile',
  });
});

test('unknown members of a known kind, of the request and of the context are shown, not dropped', () => {
  const context = contextOf('grant_role realm role');
  context.change_request.change.scope = 'everything';
  context.change_request.approvals_needed = 3;
  context.operator_note = 'new member';
  const { root, details } = render(context);
  assert.equal(changeRows(root).scope, 'everything');
  assert.equal(factRows(root).approvals_needed, '3');
  assert.ok(details.textContent.includes('new member'));
  // A change that is not an object is shown as sent.
  const odd = contextOf('grant_role realm role');
  odd.change_request.change = 'grant everything';
  assert.equal(changeRows(render(odd).root).Change, 'grant everything');
});

/** Every member of a JSON value, by JSON pointer, with the value (leaves only). */
function leaves(value, path = '') {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length === 0) return [{ path, value }];
    return entries.flatMap(([key, v]) => leaves(v, path + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1')));
  }
  return [{ path, value }];
}

function shown(value, path) {
  // The justification's lines are shown with breaks (BR elements, no text) between them.
  if (typeof value === 'string' && path.endsWith('/justification')) {
    return value.split('\n').map((line) => (line ? safeText(line, newFindings()).textContent : '')).join('');
  }
  if (typeof value === 'string') return safeText(value, newFindings()).textContent;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return '(empty list)';
  if (value !== null && typeof value === 'object') return '(empty)';
  return JSON.stringify(value);
}

test('every value that is signed is under Details, at its own place, as sent', () => {
  for (const v of vectors) {
    const context = JSON.parse(v.context);
    const { details } = render(context);
    const byPath = new Map(elementsOf(details).filter((e) => e.dataset.path !== undefined).map((e) => [e.dataset.path, e]));
    for (const { path, value } of leaves(context)) {
      const node = byPath.get(path);
      assert.ok(node, v.name + ': nothing shows ' + path);
      assert.ok(node.textContent.includes(shown(value, path)), v.name + ': ' + path + ' shows ' + node.textContent);
    }
  }
});

test('a hostile change request renders as text: no element comes from its strings', () => {
  const { root, findings } = render(contextOf('hostile strings'));
  const tags = new Set(elementsOf(root).map((e) => e.tagName));
  for (const tag of ['IMG', 'SCRIPT', 'B']) assert.ok(!tags.has(tag), tag + ' in ' + [...tags]);
  const text = root.textContent;
  assert.ok(text.includes(MARKUP));
  assert.ok(text.includes('ali⟦U+202E⟧ce' + MARKUP), 'the subject, its hidden character made visible');
  assert.ok(text.includes('⟦U+200B⟧'));
  // The justification's line break is a line break (a BR), not a hidden character.
  assert.equal(byClass(root, 'cr-lines').length, 2, 'on the card and under Details');
  assert.ok(elementsOf(byClass(root, 'cr-lines')[0]).some((e) => e.tagName === 'BR'));
  assert.ok(!findings.hidden.has('⟦U+000A⟧'));
  assert.ok(text.includes('\u{1F600}'));
  assert.ok(findings.hidden.has('⟦U+202E⟧'));
  assert.ok(findings.mixed.has('p\u0430ypal'));
  assert.match(text, /hidden or direction-changing characters/);
  assert.match(text, /mix Latin with Cyrillic or Greek/);
  assert.equal(changeLineSummary(contextOf('hostile strings')).map((p) => (typeof p === 'string' ? p : p.textContent)).join(''),
    'Change · ali⟦U+202E⟧ce' + MARKUP + ': change email');
});

test('a finished line names the change', () => {
  const line = (name) => changeLineSummary(contextOf(name)).map((p) => (typeof p === 'string' ? p : p.textContent)).join('');
  assert.equal(line('reset_second_factors'), 'Change · alice: reset second factors');
  assert.equal(line('policy_change'), 'Change · change policy');
  assert.equal(line('unknown kind'), 'Change · alice: rotate_keys');
});

// -------------------------------------------------------------------------------------------------
// The card: code, Approve, Deny, through the same answer path as a sign-in
// -------------------------------------------------------------------------------------------------

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits (up to 5 s, however loaded the machine) until `condition()` holds. */
async function until(condition, what) {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) assert.fail('waited 5 s for ' + what);
    await settle();
  }
}

/** A card for the vector's challenge, with an API client that records each call and answers `status`. */
async function card(v, { context = JSON.parse(v.context), status = 'approved' } = {}) {
  const calls = [];
  const container = fakeDocument.createElement('div');
  const cards = createChallengeCards({
    container: container,
    emptyNote: fakeDocument.createElement('p'),
    call: async (privateKey, device, method, path, body) => {
      calls.push({ privateKey, device, method, path, body });
      return { ok: true, status: 200, data: { challenge_id: 'c-1', status: status }, error: null, description: null };
    },
    clock: { nowSeconds: () => 1764640110 },
    accountUrl: 'https://idp.example/realms/demo/account/account-security/signing-in',
    onAdded: () => {},
  });
  const device = { device_id: 'dev-1', user_id: 'user-1', keyPair: { privateKey: 'the-private-key' } };
  cards.sync(device, [{
    id: 'c-1', created_at: 1764640100, expires_at: 1764640700, context: context,
    context_hash: v.context_hash, verification: { type: 'code', length: 2 },
  }]);
  const node = container.childNodes[0];
  const one = (name) => byClass(node, name)[0];
  await until(() => one('cr-request-hash-check').textContent !== '(checking…)', 'the hashes');
  return { node, calls, one };
}

function typeCode(code, input) {
  input.value = code;
  input.dispatch('input');
}

test('Approve sends the hash the server computes, with the code typed from the governance page', async () => {
  for (const v of vectors) {
    const { node, calls, one } = await card(v);
    assert.equal(one('code-label').textContent, 'Type the code shown on the governance page', v.name);
    assert.deepEqual(byClass(node, 'ctx-hash').map((e) => e.textContent), [v.request_hash, v.context_hash],
      'the request hash and the signed hash are shown under Details');
    assert.equal(byClass(node, 'fraud').length, 0, v.name + ': no "This wasn\'t me" for a change approval');
    assert.equal(one('approve').disabled, true, 'no code yet');
    typeCode('4', one('challenge-code'));
    assert.equal(one('approve').disabled, true, 'one digit of two');
    typeCode('42', one('challenge-code'));
    assert.equal(one('approve').disabled, false, v.name);
    assert.equal(one('cr-request-hash-check').textContent, '(matches the change shown)');
    one('challenge-form').dispatch('submit');
    await until(() => node.dataset.status === 'answered', 'the answer');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].method, 'POST');
    assert.equal(calls[0].path, '/device/challenges/c-1/answer');
    assert.equal(calls[0].privateKey, 'the-private-key');
    assert.deepEqual(calls[0].body, { decision: 'approve', context_hash: v.context_hash, code: '42' }, v.name);
    assert.equal(node.dataset.status, 'answered');
    assert.equal(one('challenge-result').textContent, 'Approved');
  }
});

test('Deny sends the same hash, without a code', async () => {
  const v = vector('grant_role client role');
  const { calls, one } = await card(v, { status: 'denied' });
  one('deny').dispatch('click');
  await until(() => calls.length === 1 && one('challenge-result').textContent === 'Denied', 'the answer');
  assert.deepEqual(calls[0].body, { decision: 'deny', context_hash: v.context_hash });
  assert.equal(one('challenge-result').textContent, 'Denied');
});

test('a request hash that is not the hash of the change shown blocks Approve', async () => {
  const v = vector('grant_role client role');
  const context = JSON.parse(v.context);
  context.change_request.change.duration_seconds = 86400; // the server would have to lie for this
  const { one } = await card({ ...v, context_hash: await contextHash(context) }, { context });
  typeCode('42', one('challenge-code'));
  assert.equal(one('approve').disabled, true);
  assert.equal(one('deny').disabled, false, 'deny stays possible');
  assert.equal(one('cr-request-hash-check').textContent, '(does NOT match the change shown)');
  assert.match(one('challenge-warning').textContent, /do not approve/);
});

test('a context that is not the one the server hashed blocks Approve, as for a sign-in', async () => {
  const v = vector('reset_second_factors');
  const context = JSON.parse(v.context);
  context.username = 'mallory';
  const { one } = await card(v, { context });
  typeCode('42', one('challenge-code'));
  assert.equal(one('approve').disabled, true);
  assert.match(one('challenge-warning').textContent, /changed on the way/);
});
