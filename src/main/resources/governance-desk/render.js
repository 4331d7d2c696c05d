/*
 * The desk's views, built as elements from the API's JSON. Every value from the server is put in
 * as a text node (dom.js el(), through text.js visible()), never as HTML.
 */
import { el } from './dom.js';
import {
  formatMillis, formatSeconds, kindLabel, personLabel, recordLabel, stateLabel, visible,
} from './text.js';

export function stateBadge(state) {
  return el('span', { class: 'badge badge-' + (/^[a-z]+$/.test(state) ? state : 'unknown'), 'data-state': String(state) }, stateLabel(state));
}

/** The list of requests: one link per request to its own view. */
export function renderRequestList(requests) {
  if (!Array.isArray(requests) || requests.length === 0) {
    return el('p', { class: 'empty', id: 'no-requests' }, 'No requests match.');
  }
  return el('ul', { class: 'request-list', id: 'request-list' }, requests.map((r) => el('li', {},
    el('a', { class: 'request-row', href: '#/request/' + encodeURIComponent(String(r.id)), 'data-id': String(r.id) },
      stateBadge(r.state),
      el('span', { class: 'row-kind' }, kindLabel(r.kind)),
      el('span', { class: 'row-people' },
        'for ', personLabel(r.subject), ' · by ', personLabel(r.requester)),
      el('span', { class: 'row-time' }, formatSeconds(r.created_at))))));
}

/** Name/value rows; values that are objects are shown as their JSON text. */
export function renderFacts(rows, props) {
  return el('dl', Object.assign({ class: 'facts' }, props || {}), rows
    .filter((row) => row && row[1] !== undefined && row[1] !== null && row[1] !== '')
    .map(([name, value]) => [el('dt', {}, visible(name)), el('dd', {}, isNode(value) ? value : visible(value))]));
}

function isNode(value) {
  return value && typeof value === 'object' && typeof value.nodeType === 'number';
}

/** The members of an object as rows (the change, the outcome). */
function memberRows(object) {
  if (!object || typeof object !== 'object') return [];
  return Object.keys(object).map((key) => [key, object[key]]);
}

/** Who is who in a request: ids to usernames, for the audit's actors. */
export function namesOf(view) {
  const names = {};
  const add = (p) => { if (p && typeof p === 'object' && typeof p.id === 'string' && typeof p.username === 'string') names[p.id] = p.username; };
  add(view.subject); add(view.requester);
  for (const a of view.approvals || []) {
    if (typeof a.approver_id === 'string' && typeof a.approver_username === 'string') names[a.approver_id] = a.approver_username;
  }
  return names;
}

/** One request: its state, what it changes, why, who approved it with which device, its outcome. */
export function renderRequest(view) {
  const request = view.request && typeof view.request === 'object' ? view.request : {};
  const approvals = Array.isArray(view.approvals) ? view.approvals : [];
  const counted = approvals.filter((a) => a.decision === 'approved' && (a.role === undefined || a.role === 'approval')).length;
  const nodes = [
    el('div', { class: 'request-head' },
      el('h2', { id: 'request-title' }, kindLabel(view.kind)),
      el('span', { id: 'request-state', 'data-state': String(view.state) }, stateBadge(view.state))),
    renderFacts([
      ['Subject', personLabel(view.subject) + (view.subject && view.subject.email ? ' (' + visible(view.subject.email) + ')' : '')],
      ['Requested by', personLabel(view.requester)],
      ['Reason', view.reason_code],
      ['Justification', request.justification],
      ['Ticket', request.ticket],
      ['Break-glass', view.break_glass ? 'yes' : null],
      ['Filed', formatSeconds(view.created_at)],
      [view.state === 'pending' ? 'Expires' : 'Closed', formatSeconds(view.state === 'pending' ? view.expires_at : view.closed_at)],
      ['Approvals', counted + ' of ' + (view.approvals_required ?? '?')],
      ['Request hash', view.request_hash],
    ], { id: 'request-facts' }),
    el('h3', {}, 'The change'),
    memberRows(request.change).length
      ? renderFacts(memberRows(request.change), { id: 'request-change' })
      : el('p', { class: 'hint', id: 'request-change' }, 'Nothing more to choose for this kind.'),
  ];
  if (Array.isArray(request.evidence) && request.evidence.length) {
    nodes.push(el('h3', {}, 'Evidence'), el('ul', { class: 'plain' }, request.evidence.map((e) =>
      el('li', {}, visible(e.type) + ': ' + visible(e.name) + ' (' + visible(e.media_type) + ', ' + visible(e.size) + ' bytes)'))));
  }
  nodes.push(el('h3', {}, 'Approvals'), renderApprovals(approvals));
  if (view.outcome && typeof view.outcome === 'object' && Object.keys(view.outcome).length) {
    nodes.push(el('h3', {}, 'Outcome'), renderFacts(memberRows(view.outcome), { id: 'request-outcome' }));
  }
  return nodes;
}

export function renderApprovals(approvals) {
  if (!approvals.length) return el('p', { class: 'hint', id: 'approvals' }, 'None yet.');
  return el('ul', { class: 'approvals', id: 'approvals' }, approvals.map((a) => el('li', { 'data-decision': String(a.decision) },
    el('strong', {}, visible(a.approver_username || a.approver_id)),
    ' ', visible(a.decision), ' · ', formatMillis(a.decided_at),
    el('br'),
    el('span', { class: 'hint' }, 'Device key ', el('code', {}, visible(a.device_key_thumbprint))))));
}

/** The request's audit records, oldest first, actors by username where the request names them. */
export function renderAudit(records, names) {
  if (!Array.isArray(records) || !records.length) return el('p', { class: 'hint', id: 'audit' }, 'No records.');
  return el('ol', { class: 'audit', id: 'audit' }, records.map((r) => el('li', { 'data-type': String(r.type) },
    el('strong', {}, recordLabel(r.type)), ' · ', formatMillis(r.at),
    r.actor ? [' · ', personLabel(r.actor, names)] : null)));
}

/** For someone without a governance role: which roles exist, and who gives them. */
export function renderNoRole(username, roles) {
  return el('p', { id: 'no-role', class: 'notice' },
    'You are signed in as ', el('strong', {}, visible(username)),
    ', but you hold none of the governance roles (', (roles || []).map(visible).join(', '),
    '). An administrator of this realm assigns them; ask yours for the one you need.');
}

/** The approval in progress: the code large, what to do with it, or how it ended. */
export function renderApproval(state) {
  if (state.phase === 'starting') return [el('p', { class: 'notice' }, 'Asking your device…')];
  if (state.phase === 'refused') return [el('p', { class: 'notice notice-error', id: 'approval-result', role: 'alert' }, state.text)];
  if (state.phase === 'done') {
    return [el('p', { class: 'notice notice-' + (state.kind || 'info'), id: 'approval-result', 'data-status': String(state.status), role: 'status' }, state.text)];
  }
  if (state.phase !== 'waiting') return [];
  return [
    el('p', { class: 'approval-instruction' }, 'Type this code on your Approval Guard device:'),
    el('p', { class: 'approval-code', 'aria-live': 'polite' }, el('span', { id: 'approval-code' }, visible(state.code))),
    el('p', { class: 'hint', id: 'approval-waiting' },
      state.deviceNotified ? 'Your device has been asked; it shows the whole request. ' : 'Open the approver on your device; the request is waiting there. ',
      'This page moves on by itself when your device answers',
      typeof state.expiresAt === 'number' ? ' (until ' + new Date(state.expiresAt * 1000).toLocaleTimeString() + ').' : '.'),
    state.notice ? el('p', { class: 'notice notice-error', role: 'alert' }, state.notice) : null,
  ].filter(Boolean);
}
