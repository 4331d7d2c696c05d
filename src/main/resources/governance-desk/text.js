/*
 * Words and values as the desk shows them. Pure: no document, so the tests run in Node.
 * Every value from the server (names, justifications, tickets, changes) is shown as text; this
 * module only decides which text.
 */

/**
 * Characters a reader cannot see or that turn text around (controls, format and direction marks,
 * separators, lone surrogates, private use, Hangul fillers) become visible markers like
 * "⟦U+202E⟧", so a justification cannot hide or reorder what an approver reads.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/gu;

export function visible(value) {
  const text = value === null || value === undefined ? '' : (typeof value === 'string' ? value : JSON.stringify(value));
  return text.replace(HIDDEN, (ch) => '⟦U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '⟧');
}

export const STATES = ['pending', 'approved', 'applied', 'denied', 'expired', 'cancelled', 'failed'];

const STATE_WORDS = {
  pending: 'Pending', approved: 'Approved', applied: 'Approved / applied', denied: 'Denied',
  expired: 'Expired', cancelled: 'Cancelled', failed: 'Failed',
};

/** A request's state in words; an unknown one as itself. */
export function stateLabel(state) {
  return Object.prototype.hasOwnProperty.call(STATE_WORDS, state) ? STATE_WORDS[state] : visible(state);
}

const KIND_WORDS = {
  reset_second_factors: 'Reset second factors', reset_password: 'Reset password',
  change_email: 'Change email address', grant_role: 'Grant a role for a time',
  grant_group: 'Grant a group membership for a time', remove_device: 'Remove a device',
  unlock_user: 'Unlock or re-enable a user', policy_change: 'Change the governance policy',
};

export function kindLabel(kind) {
  return Object.prototype.hasOwnProperty.call(KIND_WORDS, kind) ? KIND_WORDS[kind] : visible(kind);
}

const RECORD_WORDS = {
  request_filed: 'Filed', approval_requested: 'Approval asked on a device',
  approval_counted: 'Approval counted', approval_denied: 'Denied on a device',
  approval_wrong_code: 'Wrong code typed on a device', request_approved: 'Approved (quorum reached)',
  sessions_revoked: 'Sessions of the subject ended', request_applied: 'Applied',
  request_denied: 'Denied', request_expired: 'Expired', request_cancelled: 'Cancelled',
  request_failed: 'Failed', break_glass_used: 'Break-glass used', policy_set_up: 'Policy set up',
  unapproved_sensitive_change: 'Change made outside governance',
};

export function recordLabel(type) {
  return Object.prototype.hasOwnProperty.call(RECORD_WORDS, type) ? RECORD_WORDS[type] : visible(type);
}

/** A time the API gives in seconds since the epoch. */
export function formatSeconds(seconds) {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toLocaleString() : '';
}

/** A time the API gives in milliseconds since the epoch. */
export function formatMillis(millis) {
  return typeof millis === 'number' ? new Date(millis).toLocaleString() : '';
}

/** A user as the API shows one ({id, username}), or a bare id looked up in `names`. */
export function personLabel(person, names) {
  if (person && typeof person === 'object') return visible(person.username || person.id || '');
  if (typeof person === 'string') return visible((names && names[person]) || person);
  return '';
}
