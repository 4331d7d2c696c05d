/*
 * Challenge cards: pending ones ask; finished ones (answered, expired, cancelled) shrink to a line.
 * A card hashes the context exactly as received and sends its answer through the API client.
 */
import {
  CHANGE_CODE_LABEL, changeLineSummary, isChangeApproval, renderChangeApproval, requestHashMatches,
} from './change.js';
import { contextHash, randomId } from './crypto.js';
import { el } from './dom.js';
import { newFindings, safeValue } from './display.js';
import { formatDuration } from './format.js';
import {
  countryWarning, fraudAdvice, lineSummary, renderDetails, renderFindings, renderQuestion,
  renderTransactionSummary, renderWhere,
} from './render.js';
import { isPlainObject } from './values.js';

/** Finished lines kept on the page; older ones go. */
const MAX_FINISHED = 5;

const OUTCOMES = { approved: 'Approved', denied: 'Denied', fraud: 'Reported' };

const ANSWER_ERRORS = {
  invalid_code: ['Wrong code', 'This sign-in attempt has been stopped. Start a new sign-in.'],
  challenge_expired: ['Expired', 'This request expired before the answer arrived. Start a new sign-in.'],
  challenge_not_pending: ['Not answered', 'This request was already answered or replaced by a newer one.'],
  challenge_not_found: ['Not answered', 'This request no longer exists.'],
  context_mismatch: ['Not answered', 'The request changed on the way, so it was not answered. Start a new sign-in.'],
};
// A change approval starts again from the governance page, not from a sign-in.
const CHANGE_ANSWER_ERRORS = {
  ...ANSWER_ERRORS,
  invalid_code: ['Wrong code', 'This approval has been stopped. Open the request on the governance page again to approve it.'],
  challenge_expired: ['Expired', 'This approval expired before the answer arrived. Open the request on the governance page again.'],
  context_mismatch: ['Not answered', 'The request changed on the way, so it was not answered. Open it on the governance page again.'],
};

// Errors after which trying again may help; any other error ends the card.
const RETRYABLE = new Set(['network_error', 'invalid_proof', 'proof_replayed', 'code_required', 'invalid_request']);

/** Freezes a parsed JSON value all the way down, so that nothing can change what is hashed. */
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

function showWarning(entry, text) {
  entry.warning.textContent = text;
  entry.warning.hidden = false;
}

function setResult(entry, text, kind) {
  entry.result.textContent = text;
  entry.result.className = 'challenge-result result-' + kind;
  entry.result.hidden = false;
}

/** "This wasn't me" asks once more before it reports: the answer cannot be taken back. */
function showFraudConfirmation(entry, ask) {
  entry.fraud.hidden = ask;
  entry.fraudConfirm.hidden = !ask;
  (ask ? entry.fraudNo : entry.fraud).focus();
}

/**
 * The cards of every device of this page, in `container` (newest first); `emptyNote` shows while
 * none is pending. `call` is the API client, `clock` the server clock, `accountUrl` where the
 * user's own settings are; `onAdded` runs when a new request appears.
 */
export function createChallengeCards({ container, emptyNote, call, clock, accountUrl, onAdded }) {
  const cards = new Map(); // challenge id -> card entry
  // The challenge a notification was opened for, until its card is there (it may take a poll).
  let wanted = null;
  let shownFirst = null; // the card last put first for a notification, marked
  const WANTED_FOR_MS = 120000;

  /** Puts the wanted card first once it is there, unless it has ended meanwhile (its line says so where it is). */
  function showWanted() {
    if (!wanted || Date.now() > wanted.until) { wanted = null; return; }
    const entry = cards.get(wanted.id);
    if (!entry) return;
    wanted = null;
    if (entry.final) return;
    if (shownFirst) shownFirst.node.classList.remove('challenge-wanted');
    shownFirst = entry;
    container.prepend(entry.node);
    entry.node.classList.add('challenge-wanted');
    if (typeof entry.node.scrollIntoView === 'function') entry.node.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Creates the card for a new challenge. The context is shown and hashed exactly as it was
   * received (the parsed JSON, frozen); only the display neutralises hidden characters and groups
   * digits, never the value that is hashed.
   */
  function createCard(device, challenge) {
    const ctx = challenge.context;
    const context = isPlainObject(ctx) ? deepFreeze(ctx) : {};
    const verification = challenge.verification || { type: 'none' };
    const entry = {
      id: challenge.id, device: device, challenge: challenge, context: context,
      hash: null, hashMismatch: false, busy: false, final: false, expired: false, outcome: null, finishedAt: 0,
      needsCode: verification.type === 'code',
      codeLength: Number.isInteger(verification.length) && verification.length > 0 ? verification.length : null,
      unsupported: verification.type !== 'code' && verification.type !== 'none',
      // An approver reviews someone else's request: approve or deny, no "This wasn't me".
      change: isChangeApproval(context),
    };
    entry.timer = el('p', { class: 'challenge-timer' });
    entry.warning = el('p', { class: 'challenge-warning', role: 'alert', hidden: true });
    entry.result = el('p', { class: 'challenge-result', role: 'status', 'aria-live': 'polite', hidden: true });
    entry.approve = el('button', { type: 'submit', class: 'button button-primary approve', disabled: true }, 'Approve');
    entry.deny = el('button', { type: 'button', class: 'button button-secondary deny' }, 'Deny');
    entry.fraud = el('button', { type: 'button', class: 'button button-danger fraud' }, 'This wasn’t me');
    entry.fraudYes = el('button', { type: 'button', class: 'button button-danger-solid fraud-confirm-yes' }, 'Yes, report it');
    entry.fraudNo = el('button', { type: 'button', class: 'button button-secondary fraud-confirm-no' }, 'Go back');
    entry.fraudConfirm = el('div', { class: 'fraud-confirm', role: 'group', 'aria-label': 'Report this request', hidden: true },
      el('p', {}, 'Report this request as not you? It is stopped at once and reported.'),
      el('div', { class: 'actions' }, entry.fraudYes, entry.fraudNo));
    entry.hashNode = el('code', { class: 'ctx-hash' }, 'checking…');

    const form = el('form', { class: 'challenge-form', noValidate: true });
    if (entry.needsCode) {
      const inputId = 'code-' + randomId();
      entry.code = el('input', {
        id: inputId, type: 'text', class: 'challenge-code', inputMode: 'numeric', autocomplete: 'one-time-code',
        pattern: entry.codeLength ? '[0-9]{' + entry.codeLength + '}' : '[0-9]+', spellcheck: false,
      });
      if (entry.codeLength) entry.code.maxLength = entry.codeLength;
      entry.code.addEventListener('input', () => {
        // Only digits make sense; dropping anything else helps with pasted "4 2" or "42.".
        const digits = entry.code.value.replace(/\D/g, '');
        if (digits !== entry.code.value) entry.code.value = digits;
        updateCard(entry);
      });
      form.append(el('label', { for: inputId, class: 'code-label' },
        entry.change ? CHANGE_CODE_LABEL : 'Type the code shown on the sign-in screen'), entry.code);
    }
    form.append(el('div', { class: 'actions' }, entry.approve, entry.deny), entry.result);
    form.addEventListener('submit', (event) => { event.preventDefault(); if (!entry.approve.disabled) answer(entry, 'approve'); });
    entry.deny.addEventListener('click', () => answer(entry, 'deny'));
    entry.fraud.addEventListener('click', () => showFraudConfirmation(entry, true));
    entry.fraudNo.addEventListener('click', () => showFraudConfirmation(entry, false));
    entry.fraudYes.addEventListener('click', () => answer(entry, 'fraud'));

    const findings = newFindings();
    let first;
    let details;
    try {
      if (entry.change) {
        entry.requestHashNode = el('span', { class: 'cr-request-hash-check' }, '(checking…)');
        ({ first, summary: entry.summary, details } = renderChangeApproval(context, findings, entry.hashNode, entry.requestHashNode));
      } else {
        first = [...renderQuestion(context, findings), renderWhere(context, findings)];
        entry.summary = renderTransactionSummary(context, findings);
        details = renderDetails(context, findings, entry.hashNode);
      }
    } catch (e) {
      // Should not happen with any JSON; if it does, still show everything, as JSON text, up front.
      first = [el('h3', { class: 'challenge-question' }, 'Approve this request?'),
        el('p', { class: 'context context-raw' }, safeValue(context, findings))];
      entry.summary = [];
      details = el('p', {}, entry.hashNode);
    }
    entry.body = el('div', { class: 'challenge-body' },
      ...first, entry.timer, entry.warning, ...renderFindings(findings), ...countryWarning(context, challenge),
      ...entry.summary, form,
      entry.change ? null : el('div', { class: 'fraud-box' }, entry.fraud, entry.fraudConfirm),
      el('details', { class: 'challenge-details' }, el('summary', {}, 'Details'), details));
    entry.node = el('article', { class: 'challenge' + (entry.change ? ' challenge-change' : ''), 'data-challenge-id': challenge.id }, entry.body);

    if (entry.unsupported) {
      showWarning(entry, 'This request needs a kind of check this page does not support. You can only deny it.');
    }
    // A change approval also checks that request_hash is the hash of the change request shown: the
    // approval counts for the request of that hash, so it must be the one on the screen.
    const requestHashOk = entry.change && entry.requestHashNode ? requestHashMatches(context) : Promise.resolve(true);
    Promise.all([contextHash(context), requestHashOk]).then(([hash, requestOk]) => {
      entry.hash = hash;
      entry.hashNode.textContent = hash;
      if (entry.requestHashNode) {
        entry.requestHashNode.textContent = requestOk ? '(matches the change shown)' : '(does NOT match the change shown)';
      }
      if (hash !== challenge.context_hash) {
        entry.hashMismatch = true;
        showWarning(entry, 'The request changed on the way; do not approve.');
      } else if (!requestOk) {
        entry.hashMismatch = true;
        showWarning(entry, 'The change shown is not the one whose hash is approved; do not approve.');
      }
      updateCard(entry);
    }).catch(() => {
      entry.hash = '';
      entry.hashMismatch = true;
      entry.hashNode.textContent = 'cannot be computed';
      showWarning(entry, 'This request cannot be checked; do not approve.');
      updateCard(entry);
    });
    updateCard(entry);
    return entry;
  }

  /** Enables buttons and refreshes the countdown from the entry's state; a card whose time is up ends. */
  function updateCard(entry) {
    if (entry.final) return;
    const expiresAt = entry.challenge.expires_at;
    const left = Number.isInteger(expiresAt) ? expiresAt - clock.nowSeconds() : Infinity;
    if (left <= 0) entry.expired = true;
    if (entry.expired && !entry.busy) {
      finish(entry, 'expired', 'Expired', 'neutral');
      return;
    }
    if (left !== Infinity) entry.timer.textContent = formatDuration(left) + ' left';
    const closed = entry.busy || entry.expired || entry.hash === null;
    const codeOk = !entry.needsCode || (entry.codeLength
      ? new RegExp('^[0-9]{' + entry.codeLength + '}$').test(entry.code.value)
      : /^[0-9]+$/.test(entry.code.value));
    entry.approve.disabled = closed || entry.hashMismatch || entry.unsupported || !codeOk;
    entry.deny.disabled = closed;
    entry.fraud.disabled = closed;
    entry.fraudYes.disabled = closed;
    if (entry.code) entry.code.disabled = entry.busy || entry.expired;
    entry.node.dataset.status = 'pending';
  }

  async function answer(entry, decision) {
    if (entry.busy || entry.final || entry.hash === null) return;
    if (decision === 'fraud' && entry.change) return; // not offered: the approver did not start the request
    entry.busy = true;
    updateCard(entry);
    setResult(entry, 'Sending…', 'pending');
    // Key order is irrelevant to the server: bh covers whatever bytes we send.
    const body = { decision: decision, context_hash: entry.hash };
    if (decision === 'approve' && entry.needsCode) body.code = entry.code.value;
    const path = '/device/challenges/' + encodeURIComponent(entry.id) + '/answer';
    const result = await call(entry.device.keyPair.privateKey, entry.device, 'POST', path, body);
    entry.busy = false;
    if (result.ok) {
      const status = result.data && result.data.status;
      finish(entry, 'answered', OUTCOMES[status] || 'Answered (' + status + ')', status === 'approved' ? 'success' : 'neutral');
      if (status === 'fraud') entry.node.append(fraudAdvice(entry.context, true, accountUrl));
    } else if (RETRYABLE.has(result.error) || result.status >= 500) {
      setResult(entry, result.description + ' Please try again.', 'error');
      updateCard(entry);
    } else {
      const [word, note] = (entry.change ? CHANGE_ANSWER_ERRORS : ANSWER_ERRORS)[result.error] || ['Not answered', result.description];
      finish(entry, 'answered', word, 'error', note);
      if (decision === 'fraud') entry.node.append(fraudAdvice(entry.context, false, accountUrl));
    }
  }

  /**
   * Ends a card: it shrinks to one line (outcome, request, time, dismiss), with a note below only
   * when the outcome needs one (an error). `outcome` is answered, expired or cancelled.
   */
  function finish(entry, outcome, word, kind, note) {
    entry.final = true;
    entry.outcome = outcome;
    entry.finishedAt = Date.now();
    setResult(entry, word, kind);
    const dismiss = el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss' }, '×');
    dismiss.addEventListener('click', () => removeCard(entry));
    const time = new Date(entry.finishedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    entry.body.hidden = true;
    entry.node.classList.add('challenge-finished');
    entry.node.dataset.status = outcome;
    entry.node.prepend(el('div', { class: 'challenge-line' }, entry.result,
      el('span', { class: 'line-what' }, ...(entry.change ? changeLineSummary(entry.context) : lineSummary(entry.context))), el('span', { class: 'line-time' }, time), dismiss));
    if (note) entry.node.append(el('p', { class: 'line-note' }, note));
    pruneFinished();
    updateEmptyState();
  }

  function removeCard(entry) {
    entry.node.remove();
    cards.delete(entry.id);
    updateEmptyState();
  }

  /** Keeps the newest MAX_FINISHED finished lines. */
  function pruneFinished() {
    const finished = [...cards.values()].filter((e) => e.final).sort((a, b) => b.finishedAt - a.finishedAt);
    finished.slice(MAX_FINISHED).forEach(removeCard);
  }

  function updateEmptyState() {
    const pending = [...cards.values()].filter((e) => !e.final).length;
    emptyNote.hidden = pending > 0;
    document.title = (pending ? '(' + pending + ') ' : '') + 'Approval Guard';
  }

  return {
    /**
     * Adds cards for new challenges of this device; a pending card the server no longer lists was
     * cancelled, replaced or answered elsewhere, and ends as "Cancelled".
     */
    sync(device, challenges) {
      const listed = new Set();
      for (const challenge of challenges) {
        if (!challenge || typeof challenge.id !== 'string') continue;
        listed.add(challenge.id);
        // Two devices of the same user see the same challenge: show it once.
        if (cards.has(challenge.id)) continue;
        const entry = createCard(device, challenge);
        cards.set(challenge.id, entry);
        container.prepend(entry.node);
        onAdded();
      }
      showWanted(); // after the new ones, so a newer request does not push it down
      for (const entry of [...cards.values()]) {
        if (entry.device.device_id === device.device_id && !listed.has(entry.id) && !entry.final && !entry.busy) {
          updateCard(entry); // ends it as expired when its time is up
          if (!entry.final) finish(entry, 'cancelled', 'Cancelled', 'neutral');
        }
      }
      updateEmptyState();
    },

    /** Shows this challenge first, now or when a poll brings it (a notification was opened for it). */
    show(challengeId) {
      wanted = { id: challengeId, until: Date.now() + WANTED_FOR_MS };
      showWanted();
    },

    /** A device removed from this browser or from the account takes its cards with it. */
    removeCardsOf(device) {
      for (const entry of [...cards.values()]) {
        if (entry.device.device_id === device.device_id) removeCard(entry);
      }
    },

    /** Once a second: countdowns, expiry and the count in the title. */
    tick() {
      cards.forEach(updateCard);
      updateEmptyState();
    },
  };
}
