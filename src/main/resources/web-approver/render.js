/*
 * The context of a challenge on its card: the decision first (the question, where from, what is
 * paid), every member, as sent, one tap away under "Details"; warnings about its strings; the
 * one line a finished card shrinks to and the advice after "This wasn't me".
 */
import { el } from './dom.js';
import { newFindings, safeText, safeValue, scriptNames } from './display.js';
import { countryName, describeUserAgent, formatTime } from './format.js';
import {
  DETAIL_TYPES, has, isAmount, isPlainObject, renderAmount, renderAuthorizationDetails, renderValue,
} from './values.js';

const REASONS = {
  'sign-in': 'Sign-in', 'add-device': 'Add a new approver device', 'password-reset': 'Reset your password',
  ciba: 'Request from an application',
};
/** The question of each purpose, around the application's name and the account; any other purpose asks the last one. */
const QUESTIONS = {
  'sign-in': (app, user) => ['Are you signing in to ', app, ' as ', user, '?'],
  'add-device': (app, user) => ['Are you adding a new approver device for ', user, ' in ', app, '?'],
  'password-reset': (app, user) => ['Are you resetting the password of ', user, ' in ', app, '?'],
  ciba: (app, user) => ['Approve this request from ', app, ' for ', user, '?'],
};
const INTEGRITY = {
  signed: 'Signed by the application',
  pushed: 'Sent directly by the application',
  unsigned: 'From the browser’s address, not signed',
  backchannel: 'Sent directly by the application (no browser involved)',
};
/** Request integrities for which the application itself vouches for the details. */
const VOUCHED = new Set(['signed', 'pushed', 'backchannel']);
const KNOWN_MEMBERS = new Set(['reason', 'binding_message', 'authorization_details', 'request_integrity',
  'client_name', 'client_id', 'username', 'realm', 'scope', 'ip_address', 'browser', 'os', 'user_agent',
  'requested_at', 'location', 'country', 'network']);
/** OAuth scopes in plain words; any other scope is shown as written. */
const SCOPE_WORDS = new Map([
  ['openid', 'sign you in'], ['profile', 'your name'], ['email', 'your email address'],
  ['offline_access', 'stay signed in'], ['phone', 'your phone number'], ['address', 'your postal address'],
]);

/** The application as the question names it: its name, else its id. */
function applicationName(context, findings) {
  for (const key of ['client_name', 'client_id']) {
    if (typeof context[key] === 'string' && context[key] !== '') return safeText(context[key], findings);
  }
  return has(context, 'client_name') ? safeValue(context.client_name, findings) : null;
}

/** "Are you signing in to Account Console as alice?", per purpose; an unknown purpose is shown as sent. */
export function renderQuestion(context, findings) {
  const app = applicationName(context, findings);
  const user = has(context, 'username') ? safeValue(context.username, findings) : null;
  const reason = context.reason;
  const ask = typeof reason === 'string' && has(QUESTIONS, reason) ? QUESTIONS[reason] : QUESTIONS.ciba;
  const question = el('h3', { class: 'challenge-question' },
    ...ask(app ? el('strong', { class: 'q-app' }, app) : 'an application',
      user ? el('strong', { class: 'q-user' }, user) : 'your account'));
  const nodes = [question];
  if (has(context, 'reason') && !(typeof reason === 'string' && has(QUESTIONS, reason))) {
    nodes.push(el('p', { class: 'challenge-reason' }, 'Kind of request: ', safeValue(reason, findings)));
  }
  return nodes;
}

/** Where the request comes from, in one line: the place (or "Location unknown") and the IP address. */
export function renderWhere(context, findings) {
  const node = el('p', { class: 'challenge-where' });
  let place;
  if (has(context, 'location')) place = safeValue(context.location, findings);
  else if (has(context, 'country')) place = countryName(context.country) || safeValue(context.country, findings);
  else if (!has(context, 'ip_address') && context.request_integrity === 'backchannel') {
    place = 'Sent directly by the application, not from a browser';
  } else place = 'Location unknown';
  node.append(el('span', { class: 'where-place' }, place));
  if (has(context, 'ip_address')) {
    node.append(el('span', { class: 'where-ip' }, 'IP ', safeValue(context.ip_address, findings)));
  }
  return node;
}

/** The binding message, large, so it can be compared with the sign-in screen or what one is told. */
function renderBindingMessage(context, findings) {
  // A message from the browser's address could be anyone's (its digits are masked by the server).
  const vouched = VOUCHED.has(context.request_integrity);
  return el('div', { class: 'ctx-binding-message' + (vouched ? '' : ' ctx-binding-unverified') },
    el('p', { class: 'ctx-binding-label' }, vouched ? 'Message from the application:' : 'Message from the browser, unverified:'),
    el('p', { class: 'ctx-binding-text' }, safeValue(context.binding_message, findings)));
}

/** Only "signed", "pushed" and "backchannel" vouch for the details; a missing or unknown value does not. */
function renderUnsignedWarning(context) {
  if (!(has(context, 'authorization_details') || has(context, 'binding_message'))) return null;
  const integrity = context.request_integrity;
  if (VOUCHED.has(integrity)) return null;
  return el('p', { class: 'ctx-unsigned-warning', role: 'note' }, integrity === 'unsigned'
    ? 'Not signed by the application (they came through the browser’s address): '
      + 'approve only if this is exactly what you asked for.'
    : 'These details may not come from the application itself. Approve only if they are exactly what you asked for.');
}

/** One authorization detail in a line or two: for a payment the amount, the payee and the account. */
function summariseDetail(detail, findings) {
  const item = el('div', { class: 'tx-item' });
  if (!isPlainObject(detail)) {
    item.append(renderValue(detail, null, findings, 1));
    return item;
  }
  const type = typeof detail.type === 'string' ? detail.type : null;
  item.dataset.type = type === null ? '' : type;
  if (type === 'payment_initiation') {
    const line = el('p', { class: 'tx-line' });
    line.append(isAmount(detail.instructedAmount)
      ? el('span', { class: 'tx-amount' }, 'Pay ', renderAmount(detail.instructedAmount, findings)) : 'Payment');
    if (has(detail, 'creditorName')) {
      line.append(' to ', el('span', { class: 'tx-creditor' }, renderValue(detail.creditorName, 'creditorName', findings, 1)));
    }
    item.append(line);
    if (has(detail, 'creditorAccount')) {
      item.append(el('p', { class: 'tx-account' }, 'Account ',
        renderValue(detail.creditorAccount, 'creditorAccount', findings, 1)));
    }
    return item;
  }
  const known = type !== null ? DETAIL_TYPES.get(type) : null;
  const line = el('p', { class: 'tx-line' }, known ? known.title : 'Request of another kind');
  if (!known && type !== null) line.append(' ', el('code', { class: 'ctx-detail-type' }, safeText(type, findings)));
  item.append(line);
  return item;
}

/** What is approved besides the sign-in, as far as it fits: the message, the warning, each detail's summary. */
export function renderTransactionSummary(context, findings) {
  const nodes = [];
  if (has(context, 'binding_message')) nodes.push(renderBindingMessage(context, findings));
  const unsigned = renderUnsignedWarning(context);
  if (unsigned) nodes.push(unsigned);
  if (has(context, 'authorization_details')) {
    const details = context.authorization_details;
    const summary = el('div', { class: 'tx-summary' });
    if (Array.isArray(details)) {
      if (details.length === 0) summary.append(el('p', { class: 'tx-line ctx-empty' }, 'No transaction details'));
      for (const detail of details) summary.append(summariseDetail(detail, findings));
    } else {
      summary.append(renderValue(details, null, findings, 1));
    }
    summary.append(el('p', { class: 'tx-more' }, 'Everything that is approved is under Details.'));
    nodes.push(summary);
  }
  return nodes;
}

/** Requested scopes in plain words, each with the scope as sent. */
function renderScopes(scope, findings) {
  if (typeof scope !== 'string' || scope.trim() === '') return safeValue(scope, findings);
  return el('ul', { class: 'ctx-scopes' }, ...scope.split(' ').filter((s) => s !== '').map((s) => {
    const words = SCOPE_WORDS.get(s);
    return el('li', { class: 'ctx-scope' }, words || safeText(s, findings),
      words ? el('code', { class: 'ctx-scope-raw' }, s) : null);
  }));
}

/**
 * Every member of the context, in sections of rows: known ones in their section, unknown ones
 * (new members a later server may send) under "Other". Never changes `context`.
 */
export function renderDetails(context, findings, hashNode) {
  const root = el('div', { class: 'context' });
  const section = (title, className) => {
    const list = el('dl', { class: 'context-list' });
    const node = el('section', { class: 'ctx-section ' + className }, el('h4', { class: 'ctx-heading' }, title), list);
    const add = (label, ...value) => {
      list.append(el('div', { class: 'context-row' }, el('dt', {}, label), el('dd', {}, ...value)));
    };
    return { node, list, add };
  };
  const text = (key) => safeValue(context[key], findings);

  const who = section('Who is asking', 'ctx-who');
  if (has(context, 'client_name')) who.add('Application', text('client_name'));
  if (has(context, 'client_id')) who.add('Application ID', el('code', {}, text('client_id')));
  if (has(context, 'username')) who.add('Account', text('username'));
  if (has(context, 'realm')) who.add('Realm (account directory)', text('realm'));
  if (has(context, 'scope')) who.add('Asks to', renderScopes(context.scope, findings));

  const what = section('What you are approving', 'ctx-what');
  if (has(context, 'reason')) {
    const reason = context.reason;
    what.add('Request', typeof reason === 'string' && has(REASONS, reason) ? REASONS[reason] : text('reason'));
  }
  if (has(context, 'binding_message')) what.add('Message', text('binding_message'));
  if (has(context, 'authorization_details')) {
    what.node.append(renderAuthorizationDetails(context.authorization_details, findings));
  }
  if (has(context, 'request_integrity')) {
    const integrity = context.request_integrity;
    what.node.append(el('dl', { class: 'context-list' }, el('div', { class: 'context-row ctx-integrity' },
      el('dt', {}, 'Details sent'),
      el('dd', {}, typeof integrity === 'string' && has(INTEGRITY, integrity) ? INTEGRITY[integrity] : text('request_integrity')))));
  }

  const where = section('From where', 'ctx-where');
  if (has(context, 'location')) where.add('Place (approximate)', text('location'));
  if (has(context, 'country')) where.add('Country', text('country'));
  if (has(context, 'network')) where.add('Network', text('network'));
  if (has(context, 'ip_address')) where.add('IP address', text('ip_address'));
  if (has(context, 'browser')) where.add('Browser', text('browser'));
  else if (has(context, 'user_agent')) where.add('Browser', describeUserAgent(context.user_agent)); // older servers
  if (has(context, 'os')) where.add('Operating system', text('os'));
  if (has(context, 'user_agent')) where.add('Browser’s full description', el('code', { class: 'ctx-user-agent' }, text('user_agent')));
  if (has(context, 'requested_at')) {
    where.add('Time', Number.isInteger(context.requested_at) ? formatTime(context.requested_at) : text('requested_at'));
  }

  const more = section('Other details', 'ctx-more');
  for (const key of Object.keys(context)) {
    if (!KNOWN_MEMBERS.has(key)) more.add(safeText(key, findings), renderValue(context[key], key, findings, 1));
  }

  const check = section('Check', 'ctx-check');
  check.add('Signed hash', hashNode);

  for (const part of [who, what, where, more, check]) {
    if (part.list.childElementCount > 0 || part.node.childElementCount > 2) root.append(part.node);
  }
  return root;
}

/**
 * The sign-in comes from another country than the one this device is in now (the server tells
 * the device's own country beside the challenge, outside what is signed).
 */
export function countryWarning(context, challenge) {
  const here = typeof challenge.approver_country === 'string' ? challenge.approver_country : null;
  const there = typeof context.country === 'string' ? context.country : null;
  if (!here || !there || here === there) return [];
  return [el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'country-mismatch' },
    'This sign-in comes from ' + there + ', but this device is in ' + here
    + ' now. If you are not travelling, do not approve and tap “This wasn’t me”.')];
}

/** Warnings about the context's strings, shown under the question. */
export function renderFindings(findings) {
  const warnings = [];
  if (findings.hidden.size > 0) {
    warnings.push(el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'hidden-characters' },
      'This request contains hidden or direction-changing characters; do not approve unless you are sure. '
      + 'They are shown as ' + [...findings.hidden].slice(0, 4).join(' ') + '.'));
  }
  if (findings.mixed.size > 0) {
    const words = [];
    for (const word of [...findings.mixed].slice(0, 3)) {
      if (words.length) words.push(', ');
      // Only letters, marks and digits (see display.js); isolated so right-to-left letters stay put.
      words.push(el('span', { class: 'ctx-text' }, '“' + (word.length > 40 ? word.slice(0, 40) + '…' : word) + '”'),
        ' (' + scriptNames(word) + ')');
    }
    warnings.push(el('p', { class: 'ctx-warning', role: 'alert', 'data-kind': 'mixed-scripts' },
      'This request contains words that mix Latin with Cyrillic or Greek letters, which can imitate other names: ',
      ...words, '. Do not approve unless you are sure.'));
  }
  return warnings;
}

/** What a finished line names: the application, after the kind of request unless it is a sign-in. */
export function lineSummary(context) {
  const reason = context.reason;
  const kind = typeof reason === 'string' && has(REASONS, reason) ? REASONS[reason] : 'Request';
  const app = applicationName(context, newFindings());
  if (!app) return [kind];
  return reason === 'sign-in' ? [app] : [kind + ' · ', app];
}

/**
 * What the real user should do after "This wasn't me". `reported` says whether the server
 * took the report (the request was stopped); otherwise only the advice is given.
 */
export function fraudAdvice(context, reported, accountUrl) {
  const reason = context.reason;
  let title;
  let why;
  let stopped;
  if (reason === 'password-reset') {
    title = 'Secure your email account now';
    why = 'Someone opened a password reset link sent to your email address. Your password here was not changed. '
      + 'Change the password of your email account, then check this account.';
    stopped = 'The reset was stopped and reported.';
  } else if (reason === 'ciba') {
    title = 'Do not approve requests you did not ask for';
    why = 'If someone asked you to approve this, by phone or message, they are not from the application. '
      + 'If you told anyone your password, change it now.';
    stopped = 'The request was stopped and reported.';
  } else {
    title = 'Change your password now';
    why = 'Whoever started this ' + (reason === 'add-device' ? 'request' : 'sign-in') + ' knows your password.';
    stopped = 'The sign-in was stopped and reported. You do not need to do anything else here.';
  }
  return el('div', { class: 'fraud-advice', role: 'alert' },
    el('p', { class: 'fraud-advice-title' }, title),
    el('p', {}, why),
    reported ? el('p', {}, stopped) : null,
    el('a', { class: 'button button-primary fraud-advice-link', href: accountUrl, target: '_blank', rel: 'noopener' },
      reason === 'password-reset' ? 'Check your account' : 'Change your password'));
}
