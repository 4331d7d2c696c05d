/*
 * Building the page: elements whose strings are always text nodes, never HTML. The document is
 * only touched when a function is called, so modules importing this load in Node too.
 */

export const $ = (selector, root) => (root || document).querySelector(selector);

/** createElement with properties and children; strings become text nodes (never HTML). */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A notice paragraph: its text (hidden when empty) and its kind (error, success or none). */
export function showNotice(node, text, kind) {
  node.textContent = text;
  node.className = 'notice' + (kind ? ' notice-' + kind : '');
  node.hidden = !text;
}
