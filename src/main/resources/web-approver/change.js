/*
 * Change approvals (context reason "change-approval", docs/device-api.md "Change approvals"): an
 * approver approves or denies, with this device, a change request filed through the governance
 * API. The card says in words what will happen ("Approve a change for alice: reset their second
 * factors"), shows the exact change, why, who asks, with what evidence and until when, and, one tap
 * away under "Details", every member of the context as sent, ids and hashes included. Strings go
 * through safeText; nothing here changes a value (the card hashes the very object it shows).
 */
import { contextHash } from './crypto.js';
import { el } from './dom.js';
import { newFindings, safeText, safeValue } from './display.js';
import { formatSpan, formatTime } from './format.js';
import { has, isPlainObject } from './values.js';

/** The context's reason for a change approval. */
export const CHANGE_APPROVAL = 'change-approval';

/** The label of the code box: the governance page shows the code, as the sign-in screen does for a login. */
export const CHANGE_CODE_LABEL = 'Type the code shown on the governance page';

export function isChangeApproval(context) {
  return isPlainObject(context) && context.reason === CHANGE_APPROVAL;
}

const MAX_DEPTH = 16;

/** A member of `object` as text, or "(none)" when it is absent. */
function member(object, key, findings) {
  return has(object, key) ? safeValue(object[key], findings) : el('span', { class: 'ctx-empty' }, '(none)');
}

/** Whole seconds in words ("1 hour"); any other value as sent. */
function span(value, findings) {
  const words = formatSpan(value);
  return words ? el('span', { class: 'cr-span' }, words) : safeValue(value, findings);
}

function yesNo(value, findings) {
  return typeof value === 'boolean' ? el('span', { class: 'ctx-boolean' }, value ? 'Yes' : 'No') : safeValue(value, findings);
}

/** How long a grant lasts, and that it ends by itself. */
function lasting(change, findings) {
  if (!has(change, 'duration_seconds')) return [member(change, 'duration_seconds', findings)];
  return [span(change.duration_seconds, findings), ', then removed by itself'];
}

function time(value, findings) {
  return Number.isSafeInteger(value) ? el('span', { class: 'cr-time' }, formatTime(value)) : safeValue(value, findings);
}

/*
 * The kinds this page knows: `does` ends the question, `short` names the kind on a finished line,
 * `note` explains what the change does, `rows` shows the change's members in words (each row names
 * the members it shows), `ids` are members shown only under Details (ids a person cannot check).
 * Members of `change` that no row names are shown too, as key and value: nothing signed is hidden.
 */
const KINDS = {
  reset_second_factors: {
    does: 'reset their second factors', short: 'reset second factors',
    note: 'Their approver devices, one-time passwords and security keys are removed; they must set up a second factor again.',
    rows: () => [],
  },
  reset_password: {
    does: 'reset their password', short: 'reset password',
    note: 'They get an email link to choose a new password themselves; no one else chooses or sees it.',
    rows: (c, f) => [{ keys: ['link_lifetime_seconds'], label: 'The link works for', value: [has(c, 'link_lifetime_seconds') ? span(c.link_lifetime_seconds, f) : member(c, 'link_lifetime_seconds', f)] }],
  },
  change_email: {
    does: 'change their email address', short: 'change email',
    rows: (c, f) => [{ keys: ['old_email', 'new_email'], label: 'Email address',
      value: [el('span', { class: 'cr-old' }, member(c, 'old_email', f)), ' → ', el('strong', { class: 'cr-new' }, member(c, 'new_email', f))] }],
  },
  grant_role: {
    does: 'give them a role for a limited time', short: 'grant role',
    ids: ['role_id'],
    rows: (c, f) => [
      { keys: ['role_name', 'client_id'], label: 'Role', value: [el('strong', { class: 'cr-role' }, member(c, 'role_name', f)),
        has(c, 'client_id') ? el('span', { class: 'cr-scope' }, ' of the client ', safeValue(c.client_id, f)) : el('span', { class: 'cr-scope' }, ' (realm role)')] },
      { keys: ['duration_seconds'], label: 'For', value: lasting(c, f) },
    ],
  },
  grant_group: {
    does: 'add them to a group for a limited time', short: 'grant group',
    ids: ['group_id'],
    rows: (c, f) => [
      { keys: ['group_path'], label: 'Group', value: [el('strong', { class: 'cr-group' }, member(c, 'group_path', f))] },
      { keys: ['duration_seconds'], label: 'For', value: lasting(c, f) },
    ],
  },
  remove_device: {
    does: 'remove one of their approver devices', short: 'remove device',
    ids: ['device_id'],
    rows: (c, f) => [{ keys: ['device_name'], label: 'Device', value: [el('strong', { class: 'cr-device' }, member(c, 'device_name', f))] }],
  },
  unlock_user: {
    does: 'unlock their account', short: 'unlock account',
    rows: (c, f) => [
      { keys: ['enable'], label: 'Enable the account again', value: [has(c, 'enable') ? yesNo(c.enable, f) : member(c, 'enable', f)] },
      { keys: ['unlock'], label: 'End the lock-out after failed sign-ins', value: [has(c, 'unlock') ? yesNo(c.unlock, f) : member(c, 'unlock', f)] },
    ],
  },
  policy_change: {
    does: 'change the approval policy', short: 'change policy',
    note: 'The new policy decides who must approve which changes from now on.',
    rows: (c, f) => [{ keys: ['policy'], label: 'New policy', value: [has(c, 'policy') ? renderTree(c.policy, '/change_request/change/policy', f, 1, false) : member(c, 'policy', f)] }],
  },
};

const knownKind = (kind) => (typeof kind === 'string' && has(KINDS, kind) ? KINDS[kind] : null);

// Members of change_request shown in the facts list or the question; any other one is listed after them.
const REQUEST_MEMBERS = new Set(['id', 'kind', 'subject', 'change', 'reason_code', 'justification', 'ticket',
  'requester', 'evidence', 'break_glass', 'created_at', 'expires_at']);
// Members of the context shown under "Approving as" and "Check"; any other one goes under "Other details".
const CONTEXT_MEMBERS = new Set(['reason', 'realm', 'username', 'change_request', 'request_hash', 'requested_at', 'review']);

/** Labels of the members under Details, where the request's own members are (not inside a policy). */
const LABELS = new Map([
  ['id', 'ID'], ['kind', 'Kind'], ['subject', 'For'], ['username', 'Username'], ['email', 'Email'],
  ['change', 'Change'], ['reason_code', 'Reason'], ['justification', 'Justification'], ['ticket', 'Ticket'],
  ['requester', 'Requested by'], ['evidence', 'Evidence'], ['type', 'Type'], ['name', 'Name'], ['sha256', 'SHA-256'],
  ['break_glass', 'Break-glass'], ['created_at', 'Filed'], ['expires_at', 'Expires'],
  ['role_id', 'Role ID'], ['role_name', 'Role'], ['client_id', 'Client'], ['duration_seconds', 'Duration'],
  ['group_id', 'Group ID'], ['group_path', 'Group'], ['device_id', 'Device ID'], ['device_name', 'Device'],
  ['enable', 'Enable'], ['unlock', 'Unlock'], ['old_email', 'Old email'], ['new_email', 'New email'],
  ['link_lifetime_seconds', 'Link lifetime'], ['policy', 'Policy'],
]);

const pointer = (path, key) => path + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Any JSON value as a tree, exactly as sent: objects as labelled rows (each row's data-path is its
 * JSON pointer in the context), arrays as lists; seconds and times also in words. `labelled` says
 * whether member names are the request's own (then shown by their label, the name as its title).
 */
export function renderTree(value, path, findings, depth, labelled, key) {
  if (typeof value === 'string') return labelled && key === 'justification' ? multiline(value, findings) : safeText(value, findings);
  if (typeof value === 'number') {
    const node = el('span', { class: 'ctx-number' }, JSON.stringify(value));
    if (labelled && typeof key === 'string' && key.endsWith('_seconds') && formatSpan(value)) node.append(' (' + formatSpan(value) + ')');
    if (labelled && typeof key === 'string' && key.endsWith('_at') && Number.isSafeInteger(value)) node.append(' (' + formatTime(value) + ')');
    return node;
  }
  if (typeof value === 'boolean') return el('span', { class: 'ctx-boolean' }, value ? 'Yes' : 'No');
  if (value === null || typeof value !== 'object') return el('span', { class: 'ctx-empty' }, 'none');
  if (depth > MAX_DEPTH) return safeValue(value, findings);
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { class: 'ctx-empty' }, '(empty list)');
    return el('ul', { class: 'ctx-list' }, ...value.map((item, i) => {
      const li = el('li', {}, renderTree(item, pointer(path, i), findings, depth + 1, labelled));
      li.dataset.path = pointer(path, i);
      return li;
    }));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return el('span', { class: 'ctx-empty' }, '(empty)');
  const list = el('dl', { class: 'ctx-tree' });
  for (const name of keys) {
    const label = labelled ? LABELS.get(name) : undefined;
    const childLabelled = label !== undefined && name !== 'policy';
    const row = el('div', { class: 'ctx-tree-row' },
      el('dt', label ? { title: name } : {}, label || safeText(name, findings)),
      el('dd', {}, renderTree(value[name], pointer(path, name), findings, depth + 1, childLabelled, name)));
    row.dataset.key = name;
    row.dataset.path = pointer(path, name);
    list.append(row);
  }
  return list;
}

/** "Approve a change for alice: reset their second factors"; an unknown kind is named as sent. */
function renderQuestion(context, request, findings) {
  const kind = knownKind(request.kind);
  const subject = isPlainObject(request.subject) && has(request.subject, 'username')
    ? el('strong', { class: 'q-user' }, safeValue(request.subject.username, findings)) : null;
  const words = [];
  if (context.review === true) words.push('Review, after the fact: ');
  if (request.kind === 'policy_change') {
    words.push('Approve a change to the approval policy');
    if (has(context, 'realm')) words.push(' of ', el('strong', { class: 'q-realm' }, safeValue(context.realm, findings)));
  } else if (kind) {
    words.push('Approve a change', subject ? ' for ' : '', subject, ': ', kind.does);
  } else {
    words.push('Approve a change', subject ? ' for ' : '', subject, ' of a kind this page does not know: ',
      el('code', { class: 'cr-kind' }, has(request, 'kind') ? safeValue(request.kind, findings) : '(no kind)'));
  }
  return el('h3', { class: 'challenge-question cr-question' }, ...words);
}

/** Break-glass, on top of the card: the change skips the usual approvals and is reviewed afterwards. */
function renderBreakGlass(request, findings) {
  if (!has(request, 'break_glass') || request.break_glass === false) return null;
  return el('p', { class: 'ctx-warning cr-break-glass', role: 'alert', 'data-kind': 'break-glass' },
    el('strong', {}, 'Break-glass'),
    request.break_glass === true ? '' : el('span', {}, ' (', safeValue(request.break_glass, findings), ')'),
    ': an emergency change with fewer approvals than usual, reviewed by other people afterwards. '
      + 'Approve only if you know of this emergency.');
}

/** A review of a break-glass change already made: what Approve and Deny mean here. */
function renderReview(context, findings) {
  if (context.review !== true) {
    return el('p', { class: 'ctx-warning cr-review' }, 'Review: ', safeValue(context.review, findings));
  }
  return el('p', { class: 'ctx-warning cr-review', role: 'note', 'data-kind': 'review' },
    el('strong', {}, 'This change was already made'),
    ' under break-glass. Approve says you reviewed it and it was right; Deny says you object, '
      + 'and the security team is alerted.');
}

/** The change itself: its note, its members in words, and every member no row names as key and value. */
function renderChange(request, findings) {
  const box = el('div', { class: 'cr-change' });
  const kind = knownKind(request.kind);
  box.dataset.kind = typeof request.kind === 'string' ? request.kind : '';
  const change = request.change;
  if (!kind) {
    box.append(el('p', { class: 'cr-note cr-unknown' },
      'This page does not know this kind of change. Every member of it is below; approve only if you understand all of it.'));
  } else if (kind.note) {
    box.append(el('p', { class: 'cr-note' }, kind.note));
  }
  const rows = el('dl', { class: 'context-list cr-change-rows' });
  const add = (label, keys, ...value) => {
    const row = el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, ...value));
    row.dataset.keys = keys.join(' ');
    rows.append(row);
  };
  if (!isPlainObject(change)) {
    add('Change', ['change'], has(request, 'change') ? renderTree(change, '/change_request/change', findings, 1, false) : member(request, 'change', findings));
  } else {
    // A known kind's rows show even when their members are missing ("(none)"): a malformed change shows as one.
    const shown = new Set(kind && kind.ids ? kind.ids : []);
    for (const row of kind ? kind.rows(change, findings) : []) {
      row.keys.forEach((k) => shown.add(k));
      add(row.label, row.keys, ...row.value);
    }
    for (const key of Object.keys(change)) {
      if (!shown.has(key)) add(safeText(key, findings), [key], renderTree(change[key], pointer('/change_request/change', key), findings, 1, false));
    }
  }
  if (rows.childElementCount > 0) box.append(rows);
  return box;
}

/**
 * Free text whose line breaks are meant (the justification): each line through safeText, a break
 * between them, so that a line break is not flagged as a hidden character; any other control
 * character still is.
 */
function multiline(value, findings) {
  if (typeof value !== 'string' || !value.includes('\n')) return safeValue(value, findings);
  const node = el('span', { class: 'cr-lines' });
  value.split('\n').forEach((line, i) => {
    if (i > 0) node.append(el('br'));
    if (line !== '') node.append(safeText(line, findings));
  });
  return node;
}

function renderEvidence(evidence, findings) {
  if (!Array.isArray(evidence)) return safeValue(evidence, findings);
  if (evidence.length === 0) return el('span', { class: 'ctx-empty' }, '(none)');
  return el('ul', { class: 'cr-evidence' }, ...evidence.map((item) => {
    if (!isPlainObject(item)) return el('li', {}, safeValue(item, findings));
    return el('li', {}, el('span', { class: 'cr-evidence-name' }, member(item, 'name', findings)),
      ' ', el('code', { class: 'cr-evidence-type' }, member(item, 'type', findings)));
  }));
}

function renderSubject(subject, findings) {
  if (!isPlainObject(subject)) return safeValue(subject, findings);
  const node = el('span', { class: 'cr-subject' }, el('strong', {}, member(subject, 'username', findings)));
  if (has(subject, 'email')) node.append(' · ', safeValue(subject.email, findings));
  return node;
}

/** Why, for whom, by whom, with what evidence, and until when; then any member this page does not know. */
function renderFacts(request, findings) {
  const list = el('dl', { class: 'context-list' });
  const add = (label, key, value) => {
    const row = el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, value));
    row.dataset.key = key;
    list.append(row);
  };
  if (has(request, 'subject')) add('For', 'subject', renderSubject(request.subject, findings));
  add('Reason', 'reason_code', el('code', { class: 'cr-reason' }, member(request, 'reason_code', findings)));
  add('Justification', 'justification', has(request, 'justification')
    ? multiline(request.justification, findings) : member(request, 'justification', findings));
  if (has(request, 'ticket')) add('Ticket', 'ticket', safeValue(request.ticket, findings));
  add('Requested by', 'requester', isPlainObject(request.requester)
    ? member(request.requester, 'username', findings) : member(request, 'requester', findings));
  add('Evidence', 'evidence', has(request, 'evidence') ? renderEvidence(request.evidence, findings) : member(request, 'evidence', findings));
  if (has(request, 'break_glass')) add('Break-glass', 'break_glass', yesNo(request.break_glass, findings));
  if (has(request, 'created_at')) add('Filed', 'created_at', time(request.created_at, findings));
  if (has(request, 'expires_at')) add('Expires', 'expires_at', time(request.expires_at, findings));
  for (const key of Object.keys(request)) {
    if (!REQUEST_MEMBERS.has(key)) add(safeText(key, findings), key, renderTree(request[key], pointer('/change_request', key), findings, 1, false));
  }
  return el('div', { class: 'context cr-facts' }, list);
}

/** Every member of the context, as sent, in sections; `hashNode` and `requestHashNode` are filled in by the card. */
function renderDetails(context, findings, hashNode, requestHashNode) {
  const root = el('div', { class: 'context' });
  const section = (title, className, ...content) => {
    root.append(el('section', { class: 'ctx-section ' + className }, el('h4', { class: 'ctx-heading' }, title), ...content));
  };
  const rows = (pairs) => el('dl', { class: 'context-list' }, ...pairs.map(([label, key, value]) => {
    const row = el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, value));
    row.dataset.path = pointer('', key);
    return row;
  }));
  const mine = [];
  if (has(context, 'username')) mine.push(['Your account', 'username', safeValue(context.username, findings)]);
  if (has(context, 'realm')) mine.push(['Realm (account directory)', 'realm', safeValue(context.realm, findings)]);
  if (has(context, 'reason')) mine.push(['Request', 'reason', el('span', {}, 'Approval of a change (', safeValue(context.reason, findings), ')')]);
  if (has(context, 'requested_at')) mine.push(['Asked at', 'requested_at', renderTree(context.requested_at, '/requested_at', findings, 1, true, 'requested_at')]);
  if (mine.length) section('Approving as', 'ctx-who', rows(mine));

  if (has(context, 'change_request')) {
    section('The change request', 'ctx-what cr-request', renderTree(context.change_request, '/change_request', findings, 1, isPlainObject(context.change_request)));
  }
  const other = Object.keys(context).filter((key) => !CONTEXT_MEMBERS.has(key));
  if (other.length) {
    section('Other details', 'ctx-more', rows(other.map((key) => [safeText(key, findings), key, renderTree(context[key], pointer('', key), findings, 1, false)])));
  }
  const check = [];
  if (has(context, 'request_hash')) {
    check.push(['Request hash', 'request_hash', el('span', {}, el('code', { class: 'ctx-hash' }, safeValue(context.request_hash, findings)), ' ', requestHashNode)]);
  }
  check.push(['Signed hash', '', hashNode]);
  section('Check', 'ctx-check', rows(check));
  return root;
}

/**
 * The card's content for a change approval: `first` (break-glass, the question), `summary` (the
 * change, the facts) and `details` (every member as sent). `requestHashNode` is where the card says
 * whether the request's hash matches the change shown.
 */
export function renderChangeApproval(context, findings, hashNode, requestHashNode) {
  const request = isPlainObject(context.change_request) ? context.change_request : {};
  const first = [];
  const breakGlass = renderBreakGlass(request, findings);
  if (breakGlass) first.push(breakGlass);
  if (has(context, 'review')) first.push(renderReview(context, findings));
  first.push(renderQuestion(context, request, findings));
  const summary = [el('div', { class: 'cr-summary' }, renderChange(request, findings), renderFacts(request, findings))];
  return { first, summary, details: renderDetails(context, findings, hashNode, requestHashNode) };
}

/** What a finished line names: "Change · alice: reset second factors". */
export function changeLineSummary(context) {
  const request = isPlainObject(context.change_request) ? context.change_request : {};
  const kind = knownKind(request.kind);
  const parts = ['Change · '];
  if (isPlainObject(request.subject) && has(request.subject, 'username')) {
    parts.push(safeValue(request.subject.username, newFindings()), ': ');
  }
  parts.push(kind ? kind.short : (typeof request.kind === 'string' ? safeText(request.kind, newFindings()) : 'unknown kind'));
  return parts;
}

/**
 * Whether `request_hash` is the hash of the change request shown (base64url SHA-256 of its RFC 8785
 * form): when it is not, the approval would count for another request than the one on the screen.
 */
export async function requestHashMatches(context) {
  return isPlainObject(context.change_request) && typeof context.request_hash === 'string'
    && await contextHash(context.change_request) === context.request_hash;
}
