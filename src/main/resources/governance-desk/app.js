/*
 * Approval Guard – the governance desk, the entry module.
 *
 * A static, dependency-free page for the people of a change request (docs/governance.md): it
 * signs in through Keycloak with the code flow and PKCE (oidc.js), then calls the governance API
 * with the access token (api.js). Requesters file requests and cancel their own; approvers open a
 * request and ask to approve it: the page shows the code to type on their own Approval Guard
 * device and moves on by itself when the device answers (approval.js); everyone with a
 * governance role sees requests, their state, approvals and history (render.js).
 * The page runs under a strict CSP (no inline script or style); every value from the server is
 * put into the page as text, never as HTML (dom.js, text.js).
 */
import { createApi, listPath, requestPath } from './api.js';
import { createApproval } from './approval.js';
import { $, clear, el, showNotice } from './dom.js';
import { buildFiling, fieldsOf, KINDS, reasonsFor } from './form.js';
import { createSignIn, locateDesk, parseCallback } from './oidc.js';
import {
  namesOf, renderApproval, renderAudit, renderNoRole, renderRequest, renderRequestList,
} from './render.js';
import { kindLabel, visible } from './text.js';

const ROLE_REQUESTER = 'approval-guard-requester';
const ROLE_APPROVER = 'approval-guard-approver';
const ROLE_BREAK_GLASS = 'approval-guard-break-glass';

const desk = locateDesk(location.origin, location.pathname);
const signIn = desk ? createSignIn(desk, sessionStorage) : null;

let tokens = null;
let call = null;
let me = null;
let policy = null;
let approval = null; // the approval in progress on the open request
let redirecting = false;
let shownRequestId = null;

const VIEWS = ['list-view', 'request-view', 'new-view', 'no-role-view'];

function setState(state) {
  document.body.dataset.state = state;
  $('#signing-in').hidden = state !== 'loading' && state !== 'signing-in';
}

function fail(text) {
  showNotice($('#app-error'), text, 'error');
  setState('error');
}

function show(view) {
  for (const id of VIEWS) $('#' + id).hidden = id !== view;
  document.body.dataset.view = view;
}

const holds = (role) => !!me && me.roles.includes(role);

// ---------------------------------------------------------------------------------- signing in

async function goSignIn() {
  if (redirecting) return;
  redirecting = true;
  setState('signing-in');
  location.assign(await signIn.begin(location.hash));
}

function signedOut() {
  goSignIn();
}

async function start() {
  if (!desk) { fail('This page must be opened at /realms/{realm}/approval-guard/desk/.'); return; }
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    fail('This page must be opened over HTTPS (or on localhost): signing in needs the browser\'s cryptography.');
    return;
  }
  const callback = parseCallback(location.search);
  if (!callback) { await goSignIn(); return; }
  // The code and state leave the address bar at once: they are spent either way.
  history.replaceState(null, '', location.pathname);
  let signedIn;
  try {
    signedIn = await signIn.complete(callback);
  } catch (e) {
    fail(e.description || String(e));
    $('#sign-in-again-box').hidden = false;
    return;
  }
  tokens = signedIn.tokens;
  if (signedIn.returnTo) history.replaceState(null, '', location.pathname + signedIn.returnTo);
  call = createApi(desk.apiBase, tokens, signedOut);
  const who = await call('GET', '/desk/me');
  if (!who.ok || !who.data) { fail(who.description); return; }
  me = { username: String(who.data.username), roles: Array.isArray(who.data.roles) ? who.data.roles : [],
    allRoles: Array.isArray(who.data.governance_roles) ? who.data.governance_roles : [] };
  $('#who-name').textContent = visible(me.username);
  $('#who').hidden = false;
  setState('ready');
  if (me.roles.length === 0) {
    clear($('#no-role-text'));
    $('#no-role-text').append(renderNoRole(me.username, me.allRoles));
    show('no-role-view');
    document.body.dataset.state = 'no-role';
    return;
  }
  $('#nav').hidden = false;
  $('#nav-new').hidden = !(holds(ROLE_REQUESTER) || holds(ROLE_BREAK_GLASS));
  $('#filter-awaiting-label').hidden = !holds(ROLE_APPROVER);
  window.addEventListener('hashchange', route);
  route();
}

// ---------------------------------------------------------------------------------- routing

function route() {
  if (approval) { approval.stop(); approval = null; }
  shownRequestId = null;
  const hash = location.hash;
  const request = /^#\/request\/([^/]+)$/.exec(hash);
  if (request) {
    let id;
    try { id = decodeURIComponent(request[1]); } catch (e) { id = request[1]; }
    openRequest(id);
  } else if (hash === '#/new') {
    openNew();
  } else {
    openList();
  }
}

// ---------------------------------------------------------------------------------- the list

let listSeq = 0;

async function openList() {
  show('list-view');
  const seq = ++listSeq;
  const awaiting = $('#filter-awaiting').checked && holds(ROLE_APPROVER);
  const state = $('#filter-state').value;
  $('#filter-state').disabled = awaiting;
  const list = $('#list');
  showNotice($('#list-error'), '');
  const result = await call('GET', listPath({ state: state, awaiting: awaiting }));
  // Only the answer to the latest filters is shown.
  if (seq !== listSeq || document.body.dataset.view !== 'list-view') return;
  clear(list);
  list.dataset.filter = awaiting ? 'awaiting' : (state || 'any');
  if (!result.ok) { showNotice($('#list-error'), result.description, 'error'); return; }
  list.append(renderRequestList(result.data && result.data.requests));
}

// ---------------------------------------------------------------------------------- one request

async function openRequest(id) {
  show('request-view');
  shownRequestId = id;
  clear($('#request-body'));
  clear($('#history'));
  clear($('#approval-box'));
  $('#approve-area').hidden = true;
  $('#cancel-area').hidden = true;
  showNotice($('#request-error'), '');
  await loadRequest(id);
}

/** (Re)loads the request and its history; the approval box is left as it is. */
async function loadRequest(id) {
  const result = await call('GET', requestPath(id));
  if (shownRequestId !== id) return;
  if (!result.ok || !result.data) { showNotice($('#request-error'), result.description, 'error'); return; }
  const view = result.data;
  const body = $('#request-body');
  clear(body);
  body.append(...renderRequest(view));
  body.dataset.state = String(view.state);
  document.body.dataset.requestState = String(view.state);

  const you = view.you || {};
  const approving = approval && (approval.state.phase === 'starting' || approval.state.phase === 'waiting');
  const mayApprove = holds(ROLE_APPROVER) && you.may_approve === true;
  $('#approve-area').hidden = !(holds(ROLE_APPROVER) && (view.state === 'pending' || approval));
  $('#approve-button').hidden = !mayApprove || approving;
  const whyNot = $('#approve-why-not');
  whyNot.hidden = mayApprove || approving || !you.why_not;
  whyNot.textContent = visible(you.why_not ? 'You cannot approve this request: ' + you.why_not + '.' : '');
  $('#cancel-area').hidden = you.may_cancel !== true;

  const audit = await call('GET', requestPath(id, '/audit'));
  if (shownRequestId !== id) return;
  const history = $('#history');
  clear(history);
  if (!audit.ok) history.append(el('p', { class: 'hint' }, audit.description));
  else history.append(renderAudit(audit.data && audit.data.records, namesOf(view)));
}

function startApproval() {
  const id = shownRequestId;
  if (!id) return;
  if (approval) approval.stop();
  $('#approve-button').hidden = true;
  $('#approve-why-not').hidden = true;
  approval = createApproval(id, call, (state) => {
    if (shownRequestId !== id) return;
    const box = $('#approval-box');
    clear(box);
    box.append(...renderApproval(state));
    box.dataset.phase = state.phase;
    if (state.phase === 'done' || state.phase === 'refused') loadRequest(id);
  });
  approval.start();
}

async function cancelRequest() {
  const id = shownRequestId;
  if (!id || !window.confirm('Cancel this request? Approvals still open on devices end too.')) return;
  const result = await call('POST', requestPath(id, '/cancel'));
  if (!result.ok) { showNotice($('#cancel-error'), result.description, 'error'); return; }
  showNotice($('#cancel-error'), '');
  await loadRequest(id);
}

// ---------------------------------------------------------------------------------- filing

async function openNew() {
  show('new-view');
  showNotice($('#file-error'), '');
  const kind = $('#kind');
  if (!kind.options.length) {
    for (const k of KINDS) kind.append(el('option', { value: k.kind }, kindLabel(k.kind)));
  }
  if (!policy) {
    const result = await call('GET', '/governance/policy');
    if (!result.ok) { showNotice($('#file-error'), result.description, 'error'); return; }
    policy = result.data;
  }
  kindChanged();
}

function kindChanged() {
  const kind = $('#kind').value;
  const fields = $('#change-fields');
  clear(fields);
  for (const field of fieldsOf(kind)) {
    const id = 'change-' + field.name;
    fields.append(
      el('label', { for: id }, field.label + (field.required ? '' : ' (optional)')),
      el('input', { id: id, name: field.name, type: field.type === 'number' ? 'text' : field.type,
        inputMode: field.type === 'number' ? 'numeric' : undefined, required: field.required,
        autocomplete: 'off', spellcheck: false, 'data-change': field.name }),
      field.hint ? el('p', { class: 'hint' }, field.hint) : null);
  }
  const reason = $('#reason');
  const before = reason.value;
  clear(reason);
  for (const r of reasonsFor(policy, kind)) {
    reason.append(el('option', { value: r.code }, visible(r.description || r.code) + (r.requiresTicket ? ' (ticket required)' : '')));
  }
  if ([...reason.options].some((o) => o.value === before)) reason.value = before;
  if (!reason.options.length) showNotice($('#file-error'), 'The realm\'s policy has no reason for this kind of change.', 'error');
  else showNotice($('#file-error'), '');
}

async function file(event) {
  event.preventDefault();
  const button = $('#file-button');
  const change = {};
  for (const input of $('#change-fields').querySelectorAll('[data-change]')) change[input.dataset.change] = input.value;
  const body = buildFiling({
    kind: $('#kind').value, subject: $('#subject').value, change: change,
    reason_code: $('#reason').value, justification: $('#justification').value, ticket: $('#ticket').value,
  });
  button.disabled = true;
  showNotice($('#file-error'), 'Filing…');
  const result = await call('POST', '/governance/requests', body);
  button.disabled = false;
  if (!result.ok || !result.data) { showNotice($('#file-error'), result.description, 'error'); return; }
  showNotice($('#file-error'), '');
  $('#file-form').reset();
  location.hash = '#/request/' + encodeURIComponent(result.data.id);
}

// ---------------------------------------------------------------------------------- wiring

document.addEventListener('DOMContentLoaded', () => {
  $('#filters').addEventListener('submit', (e) => e.preventDefault());
  $('#filter-state').addEventListener('change', openList);
  $('#filter-awaiting').addEventListener('change', openList);
  $('#approve-button').addEventListener('click', startApproval);
  $('#cancel-button').addEventListener('click', cancelRequest);
  $('#kind').addEventListener('change', kindChanged);
  $('#file-form').addEventListener('submit', file);
  $('#sign-in-again').addEventListener('click', () => { redirecting = false; goSignIn(); });
  $('#sign-out').addEventListener('click', () => {
    if (approval) approval.stop();
    location.assign(signIn.signOutUrl(tokens));
  });
  start().catch((e) => fail('The page could not start: ' + (e && e.message ? e.message : e)));
});
