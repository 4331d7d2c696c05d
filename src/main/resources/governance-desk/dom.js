/*
 * Building the page: elements whose strings are always text nodes, never HTML. The document is
 * only touched when a function is called, so modules importing this load in Node too.
 */
import { visible } from './text.js';

export const $ = (selector, root) => (root || document).querySelector(selector);

/**
 * createElement with properties and children. Strings become text nodes (through visible(), so
 * hidden characters show as markers); nothing is ever parsed as HTML.
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'object' && typeof child.nodeType === 'number' ? child : document.createTextNode(visible(child)));
  }
  return node;
}

/** Removes every child of `node`. */
export function clear(node) {
  node.replaceChildren();
}

/** A notice paragraph: its text (hidden when empty) and its kind (error, success, info or none). */
export function showNotice(node, text, kind) {
  node.textContent = visible(text || '');
  node.className = 'notice' + (kind ? ' notice-' + kind : '');
  node.hidden = !text;
}
