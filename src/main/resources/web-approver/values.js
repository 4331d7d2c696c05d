/*
 * Any JSON value of a challenge's context as a readable tree: objects as labelled rows, arrays as
 * lists, amounts and IBANs grouped for reading, RFC 9396 authorization details by their type.
 * Strings go through safeText; nothing here changes a value.
 */
import { el } from './dom.js';
import { safeText, safeValue } from './display.js';

export const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
export const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Digits in groups (1 234 567.5), by spacing spans: copying the value gives the digits unchanged. */
function groupedDigits(text, size, fromRight, className) {
  const node = el('span', { class: className });
  const groups = [];
  if (fromRight) {
    for (let end = text.length; end > 0; end -= size) groups.unshift(text.slice(Math.max(0, end - size), end));
  } else {
    for (let start = 0; start < text.length; start += size) groups.push(text.slice(start, start + size));
  }
  groups.forEach((group, i) => {
    if (i > 0) node.append(el('wbr')); // a line may break between groups, never inside one
    node.append(el('span', { class: 'ctx-group' }, group));
  });
  return node;
}

/** An IBAN in groups of four for reading; anything that does not look like one is shown as it is. */
function renderIban(value, findings) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9]{5,34}$/.test(value)) return renderValue(value, null, findings, 0);
  return groupedDigits(value, 4, false, 'ctx-iban');
}

/** An amount exactly as sent (string or number), the integer part grouped in threes. */
function renderAmountNumber(amount, findings) {
  const text = typeof amount === 'number' ? JSON.stringify(amount) : amount;
  const match = typeof text === 'string' ? /^(-?)([0-9]+)(\.[0-9]+)?$/.exec(text) : null;
  if (!match) return safeValue(amount, findings);
  const node = el('span', { class: 'ctx-amount-number' }, match[1], groupedDigits(match[2], 3, true, 'ctx-digits'));
  if (match[3]) node.append(match[3]);
  return node;
}

/** {"amount": ..., "currency": ...} with nothing else: "12.5 EUR". */
export function isAmount(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && 'amount' in value && 'currency' in value
    && typeof value.currency === 'string' && (typeof value.amount === 'string' || typeof value.amount === 'number');
}

export function renderAmount(value, findings) {
  return el('span', { class: 'ctx-amount' }, renderAmountNumber(value.amount, findings), ' ',
    safeText(value.currency, findings, 'ctx-currency'));
}

// Labels for member names of RFC 9396 authorization details (common fields, payment initiation and
// account information as banks use them, OpenID4VCI credentials). Any other name is shown as sent.
const DETAIL_LABELS = new Map([
  ['type', 'Type'], ['locations', 'Where'], ['actions', 'Actions'], ['datatypes', 'Data types'],
  ['identifier', 'Identifier'], ['privileges', 'Privileges'],
  ['instructedAmount', 'Amount'], ['creditorName', 'Pay to'], ['creditorAccount', 'To account'],
  ['creditorAgent', 'Payee’s bank'], ['creditorAddress', 'Payee’s address'], ['debtorName', 'Payer'],
  ['debtorAccount', 'From account'], ['remittanceInformationUnstructured', 'Reference'],
  ['remittanceInformationStructured', 'Structured reference'], ['endToEndIdentification', 'End-to-end ID'],
  ['requestedExecutionDate', 'Execution date'], ['chargeBearer', 'Charges paid by'],
  ['access', 'Access'], ['accounts', 'Accounts'], ['balances', 'Balances'], ['transactions', 'Transactions'],
  ['availableAccounts', 'List of accounts'], ['availableAccountsWithBalance', 'List of accounts with balances'],
  ['allPsd2', 'All account data'], ['recurringIndicator', 'Repeated access'], ['validUntil', 'Valid until'],
  ['frequencyPerDay', 'Times per day'], ['combinedServiceIndicator', 'Combined with a payment'],
  ['iban', 'IBAN'], ['bban', 'BBAN'], ['pan', 'Card number'], ['maskedPan', 'Card number'],
  ['currency', 'Currency'], ['amount', 'Amount'],
  ['credential_configuration_id', 'Credential'], ['credential_identifiers', 'Credential identifiers'],
  ['format', 'Format'], ['vct', 'Credential type'], ['doctype', 'Document type'],
  ['credential_definition', 'Credential definition'], ['claims', 'Claims'], ['path', 'Path'],
]);

const MAX_RENDER_DEPTH = 16;

/** Any JSON value as a readable tree: objects as labelled rows, arrays as indented lists. */
export function renderValue(value, key, findings, depth) {
  if (key === 'iban' && typeof value === 'string') return renderIban(value, findings);
  if (typeof value === 'string') return safeText(value, findings);
  if (typeof value === 'number') return el('span', { class: 'ctx-number' }, JSON.stringify(value));
  if (typeof value === 'boolean') return el('span', { class: 'ctx-boolean' }, value ? 'Yes' : 'No');
  if (value === null || typeof value !== 'object') return el('span', { class: 'ctx-empty' }, 'none');
  if (depth > MAX_RENDER_DEPTH) return safeValue(value, findings);
  if (Array.isArray(value)) {
    if (value.length === 0) return el('span', { class: 'ctx-empty' }, '(empty list)');
    return el('ul', { class: 'ctx-list' },
      ...value.map((item) => el('li', {}, renderValue(item, null, findings, depth + 1))));
  }
  if (isAmount(value)) return renderAmount(value, findings);
  const keys = Object.keys(value);
  // An account given only by its IBAN: the IBAN itself.
  if (keys.length === 1 && keys[0] === 'iban' && typeof value.iban === 'string') return renderIban(value.iban, findings);
  if (keys.length === 0) return el('span', { class: 'ctx-empty' }, '(empty)');
  return renderMembers(value, keys, findings, depth + 1);
}

function renderMembers(object, keys, findings, depth, primary) {
  const list = el('dl', { class: 'ctx-tree' });
  for (const key of keys) {
    const label = DETAIL_LABELS.get(key);
    const row = el('div', { class: 'ctx-tree-row' + (primary && primary.includes(key) ? ' ctx-primary' : '') },
      el('dt', label ? { title: key } : {}, label || safeText(key, findings)),
      el('dd', {}, renderValue(object[key], key, findings, depth)));
    row.dataset.key = key;
    list.append(row);
  }
  return list;
}

// Authorization detail types with a title and the members that matter most, shown first.
export const DETAIL_TYPES = new Map([
  ['payment_initiation', { title: 'Payment', first: ['instructedAmount', 'creditorName', 'creditorAccount',
    'remittanceInformationUnstructured', 'debtorAccount'] }],
  ['account_information', { title: 'Access to account information', first: ['access'] }],
  ['openid_credential', { title: 'Digital credential', first: ['credential_configuration_id', 'format', 'vct', 'doctype'] }],
]);

/** One RFC 9396 authorization detail: a titled box with every member. */
function renderDetail(detail, findings) {
  const box = el('div', { class: 'ctx-detail' });
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    box.append(renderValue(detail, null, findings, 1));
    return box;
  }
  const type = typeof detail.type === 'string' ? detail.type : null;
  const known = type !== null ? DETAIL_TYPES.get(type) : null;
  box.dataset.type = type === null ? '' : type;
  // The type is shown exactly as sent under the title, so it is not repeated as a row.
  box.append(el('p', { class: 'ctx-detail-title' },
    known ? known.title : 'Request of another kind',
    type !== null ? el('code', { class: 'ctx-detail-type' }, safeText(type, findings)) : null));
  const first = known ? known.first.filter((k) => Object.prototype.hasOwnProperty.call(detail, k)) : [];
  const rest = Object.keys(detail).filter((k) => !first.includes(k) && !(k === 'type' && type !== null));
  if (first.length + rest.length > 0) box.append(renderMembers(detail, first.concat(rest), findings, 2, first));
  return box;
}

export function renderAuthorizationDetails(details, findings) {
  const node = el('div', { class: 'ctx-authorization-details' });
  if (Array.isArray(details)) {
    if (details.length === 0) node.append(el('span', { class: 'ctx-empty' }, '(none)'));
    for (const detail of details) node.append(renderDetail(detail, findings));
  } else {
    node.append(renderValue(details, null, findings, 1));
  }
  return node;
}
