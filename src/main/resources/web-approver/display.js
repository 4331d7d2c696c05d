/*
 * Showing client-supplied text: never as HTML, and never with characters that hide or disguise.
 * displaySegments() decides (pure, tested in Node); safeText() builds the text-only nodes.
 */
import { canonicalJson } from './crypto.js';
import { el } from './dom.js';

/*
 * Characters a person cannot see or that change how the text around them is shown: C0/C1 controls,
 * bidi embeddings, overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 * U+061C), zero-width characters (U+200B-U+200D, U+2060, U+FEFF), every other format character
 * (\p{Cf}: soft hyphen, invisible operators, tag characters U+E0000-U+E007F...), line and paragraph
 * separators, lone surrogates and blank-looking letters (Hangul fillers). They are shown as
 * visible markers such as "⟦U+202E⟧" instead, and the card gets a warning.
 */
const HIDDEN_CHAR = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff'
  + '\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u3164\\uffa0\\ufff9-\\ufffb\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]';
// One token is either a hidden character (group 1) or a word (group 2): letters, marks and digits,
// except the hidden ones among them (Hangul fillers are letters, Mongolian variation selectors marks).
const TEXT_TOKEN = new RegExp('(' + HIDDEN_CHAR + ')|((?:(?!' + HIDDEN_CHAR + ')[\\p{L}\\p{M}\\p{N}])+)', 'gu');
const CONFUSABLE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** What the checks found in the strings of one card. */
export function newFindings() {
  return { hidden: new Set(), mixed: new Set() };
}

function codePointMarker(ch) {
  return '⟦U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '⟧';
}

/** A word mixing Latin, Cyrillic and Greek letters, like "pаypal" with a Cyrillic "а". */
function mixesScripts(word) {
  return CONFUSABLE_SCRIPTS.filter((script) => script.test(word)).length > 1;
}

/** The scripts a mixed word uses, for the warning: "Latin + Cyrillic". */
export function scriptNames(word) {
  return ['Latin', 'Cyrillic', 'Greek'].filter((name, i) => CONFUSABLE_SCRIPTS[i].test(word)).join(' + ');
}

/**
 * `text` cut into what is shown as it is ({ kind: 'text', text }), hidden characters
 * ({ kind: 'hidden', marker }) and look-alike words ({ kind: 'mixed', word }), in order;
 * adjacent plain text is one segment.
 */
export function displaySegments(text) {
  const segments = [];
  let plain = '';
  let last = 0;
  const flush = () => { if (plain) segments.push({ kind: 'text', text: plain }); plain = ''; };
  for (const match of text.matchAll(TEXT_TOKEN)) {
    plain += text.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[1] !== undefined) {
      flush();
      segments.push({ kind: 'hidden', marker: codePointMarker(match[1]) });
    } else if (mixesScripts(match[2])) {
      flush();
      segments.push({ kind: 'mixed', word: match[2] });
    } else {
      plain += match[0];
    }
  }
  plain += text.slice(last);
  flush();
  return segments;
}

/**
 * The letters of a mixed word, each with whether it is the odd one out: the Cyrillic and Greek
 * ones, or the Greek ones when the word has no Latin letter.
 */
export function mixedWordLetters(word) {
  const hasLatin = CONFUSABLE_SCRIPTS[0].test(word);
  const odd = hasLatin ? /[\p{Script=Cyrillic}\p{Script=Greek}]/u : /\p{Script=Greek}/u;
  return [...word].map((letter) => ({ letter: letter, foreign: odd.test(letter) }));
}

function markMixedWord(word) {
  const node = el('mark', { class: 'ctx-mixed-script', title: 'Mixes letters of different alphabets: ' + scriptNames(word) });
  for (const { letter, foreign } of mixedWordLetters(word)) {
    node.append(foreign ? el('span', { class: 'ctx-foreign-letter' }, letter) : letter);
  }
  return node;
}

/**
 * A span that shows `text` from the context safely: as text nodes only, each hidden character
 * replaced by a visible marker, look-alike words highlighted; what it found goes into `findings`.
 */
export function safeText(text, findings, className) {
  const node = el('span', { class: 'ctx-text' + (className ? ' ' + className : '') });
  if (text === '') {
    node.classList.add('ctx-empty');
    node.textContent = '(empty)';
    return node;
  }
  for (const segment of displaySegments(text)) {
    if (segment.kind === 'hidden') {
      findings.hidden.add(segment.marker);
      node.append(el('span', { class: 'ctx-hidden-char', title: 'Hidden character ' + segment.marker.slice(1, -1) }, segment.marker));
    } else if (segment.kind === 'mixed') {
      findings.mixed.add(segment.word);
      node.append(markMixedWord(segment.word));
    } else {
      node.append(segment.text);
    }
  }
  return node;
}

/** A context value of any JSON type, as readable text (strings through safeText). */
export function safeValue(value, findings) {
  if (typeof value === 'string') return safeText(value, findings);
  return safeText(canonicalJson(value), findings, 'ctx-json');
}
