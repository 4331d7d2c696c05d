/*
 * The desk shows every value from the server as text (governance-desk/render.js, dom.js,
 * text.js): markup stays characters, hidden and direction-changing characters become visible
 * markers. Rendering runs on the fake document whose HTML setters throw. And the filing form's
 * model (form.js).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { buildFiling, fieldsOf, KINDS, reasonsFor } from '../../main/resources/governance-desk/form.js';
import {
  namesOf, renderApproval, renderAudit, renderNoRole, renderRequest, renderRequestList,
} from '../../main/resources/governance-desk/render.js';
import { stateLabel, visible } from '../../main/resources/governance-desk/text.js';
import { elementsOf, fakeDocument } from './fake-dom.mjs';

before(() => {
  globalThis.document = fakeDocument;
  const proto = Object.getPrototypeOf(fakeDocument.createElement('div'));
  proto.replaceChildren = function replaceChildren(...nodes) { this.childNodes = []; this.append(...nodes); };
});

const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script>&amp;"\'';
const RLO = 'alice\u202Egpj.exe';

function hostileView() {
  const who = { id: MARKUP, username: MARKUP, email: MARKUP };
  return {
    id: MARKUP, state: MARKUP, kind: MARKUP, subject: who, requester: { id: 'u2', username: RLO },
    reason_code: MARKUP, break_glass: true, created_at: 1764640000, expires_at: 1764643600, closed_at: 1764643000,
    request: { justification: MARKUP + ' ' + RLO, ticket: MARKUP, change: { [MARKUP]: MARKUP, nested: { a: MARKUP } },
      evidence: [{ type: MARKUP, name: MARKUP, media_type: MARKUP, size: MARKUP }] },
    request_hash: MARKUP,
    approvals: [{ role: MARKUP, approver_id: 'u3', approver_username: MARKUP, decision: MARKUP,
      device_key_thumbprint: MARKUP, context_hash: MARKUP, decided_at: 1764640100123 }],
    approvals_required: MARKUP,
    outcome: { [MARKUP]: { applied: MARKUP }, flag: false },
    you: { may_approve: false, why_not: MARKUP },
  };
}

function assertTextOnly(nodes) {
  const all = nodes.flatMap(elementsOf);
  const tags = new Set(all.map((e) => e.tagName));
  for (const tag of ['IMG', 'SCRIPT', 'IFRAME', 'OBJECT']) assert.ok(!tags.has(tag), tag + ' in ' + [...tags]);
  for (const e of all) {
    for (const name of Object.keys(e.attributes)) assert.ok(!/^on/i.test(name), 'event handler attribute ' + name);
  }
  return nodes.map((n) => n.textContent).join('\n');
}

test('a hostile request renders as text: markup stays characters, no element comes from it', () => {
  const view = hostileView();
  const text = assertTextOnly(renderRequest(view));
  assert.ok(text.includes(MARKUP));
  assert.ok(text.includes('alice⟦U+202E⟧gpj.exe'), 'the direction override is shown, not obeyed');
  assert.ok(!text.includes('\u202E'));
  assert.ok(text.includes('"applied"'), 'nested values as their JSON text');
  assert.ok(text.includes('false'), 'false is a value, not nothing');
});

test('a hostile list and history render as text, and links carry the id encoded', () => {
  const view = hostileView();
  const list = renderRequestList([view, Object.assign({}, view, { id: 'plain' })]);
  const text = assertTextOnly([list]);
  assert.ok(text.includes(MARKUP));
  const links = elementsOf(list).filter((e) => e.tagName === 'A');
  assert.equal(links.length, 2);
  assert.equal(links[0].href, '#/request/' + encodeURIComponent(MARKUP));
  assert.equal(links[0].getAttribute('data-id'), MARKUP);
  const badges = elementsOf(list).filter((e) => e.className.startsWith('badge'));
  assert.ok(badges.every((b) => b.className === 'badge badge-unknown'), 'an odd state never becomes a class name');

  const audit = renderAudit([{ seq: 1, type: MARKUP, actor: 'u2', at: 1764640100123 }, { seq: 2, type: 'request_filed', actor: MARKUP, at: 1 }], namesOf(view));
  const history = assertTextOnly([audit]);
  assert.ok(history.includes('alice⟦U+202E⟧gpj.exe'), 'the actor by username');
  assert.ok(history.includes(MARKUP));
  assert.ok(history.includes('Filed'));
  assertTextOnly([renderRequestList([])]);
});

test('the approval box shows the code large, and the server\'s words when it ends', () => {
  const waiting = renderApproval({ phase: 'waiting', code: '493027', expiresAt: 1764640400, deviceNotified: true });
  const text = assertTextOnly(waiting);
  assert.match(text, /Type this code on your Approval Guard device/);
  const code = waiting.flatMap(elementsOf).find((e) => e.attributes.id === undefined && e.className === 'approval-code');
  assert.equal(code.textContent, '493027');
  const done = renderApproval({ phase: 'refused', text: MARKUP });
  assert.equal(assertTextOnly(done), MARKUP);
  assert.equal(renderApproval({ phase: 'idle' }).length, 0);
});

test('someone without a governance role is told which roles exist and who assigns them', () => {
  const node = renderNoRole(MARKUP, ['approval-guard-requester', 'approval-guard-approver', 'approval-guard-break-glass', 'approval-guard-auditor']);
  const text = assertTextOnly([node]);
  assert.ok(text.includes(MARKUP));
  assert.match(text, /approval-guard-requester, approval-guard-approver, approval-guard-break-glass, approval-guard-auditor/);
  assert.match(text, /administrator/);
});

test('hidden characters become markers; ordinary text stays as it is', () => {
  assert.equal(visible('Café 😀 αβγ'), 'Café 😀 αβγ');
  assert.equal(visible('a\u200Bb\u0000c\u2066d\uFEFF\ud800'), 'a⟦U+200B⟧b⟦U+0000⟧c⟦U+2066⟧d⟦U+FEFF⟧⟦U+D800⟧');
  assert.equal(visible('line\nbreak'), 'line⟦U+000A⟧break');
  assert.equal(visible(null), '');
  assert.equal(visible(12), '12');
  assert.equal(visible({ a: '<b>' }), '{"a":"<b>"}');
  assert.equal(stateLabel('applied'), 'Approved / applied');
  assert.equal(stateLabel('x\u202E'), 'x⟦U+202E⟧');
});

test('the form offers the reasons of the policy that allow the kind', () => {
  const policy = { reasons: [
    { code: 'lost_device', kinds: ['reset_second_factors', 'remove_device'] },
    { code: 'access_request', kinds: ['grant_role', 'grant_group'], requiresTicket: true },
    { code: 'incident', kinds: [] },
    { code: 'anything' },
  ] };
  assert.deepEqual(reasonsFor(policy, 'reset_second_factors').map((r) => r.code), ['lost_device', 'incident', 'anything']);
  assert.deepEqual(reasonsFor(policy, 'grant_role').map((r) => r.code), ['access_request', 'incident', 'anything']);
  assert.deepEqual(reasonsFor(null, 'grant_role'), []);
  assert.deepEqual(KINDS.map((k) => k.kind), ['reset_second_factors', 'reset_password', 'change_email', 'grant_role',
    'grant_group', 'remove_device', 'unlock_user']);
});

test('the body filed is the API\'s: trimmed, numbers as numbers, empty optional members left out', () => {
  assert.deepEqual(buildFiling({ kind: 'reset_second_factors', subject: ' alice ', change: {}, reason_code: 'lost_device',
    justification: ' Caller verified ', ticket: '' }),
  { kind: 'reset_second_factors', subject: 'alice', change: {}, reason_code: 'lost_device', justification: 'Caller verified' });
  assert.deepEqual(buildFiling({ kind: 'grant_role', subject: 'bob', reason_code: 'access_request', justification: 'j', ticket: 'INC-1',
    change: { role: ' auditor ', client_id: '', duration_seconds: '3600', ignored: 'x' } }),
  { kind: 'grant_role', subject: 'bob', change: { role: 'auditor', duration_seconds: 3600 }, reason_code: 'access_request',
    justification: 'j', ticket: 'INC-1' });
  assert.deepEqual(buildFiling({ kind: 'reset_password', subject: 'c', reason_code: 'r', justification: 'j',
    change: { link_lifetime_seconds: '10 minutes' } }).change, { link_lifetime_seconds: '10 minutes' },
  'not a number: sent as typed, for the server to refuse in its own words');
  assert.deepEqual(fieldsOf('nothing'), []);
});
