/*
 * Just enough of a DOM for the web approver's rendering to run in Node: elements, text nodes,
 * attributes and classes. Setting innerHTML, outerHTML or insertAdjacentHTML throws, so a test
 * fails if client text could ever be parsed as HTML.
 */

class FakeText {
  constructor(data) {
    this.nodeType = 3;
    this.data = String(data);
  }

  get textContent() {
    return this.data;
  }
}

const asNode = (node) => (typeof node === 'string' ? new FakeText(node) : node);

function noHtml() {
  throw new Error('HTML must never be parsed from strings');
}

class FakeElement {
  constructor(tagName) {
    this.nodeType = 1;
    this.tagName = tagName.toUpperCase();
    this.childNodes = [];
    this.attributes = {};
    this.dataset = {};
    this.className = '';
    this.hidden = false;
    this.listeners = {};
  }

  get classList() {
    const classes = () => this.className.split(' ').filter(Boolean);
    return {
      add: (name) => { if (!classes().includes(name)) this.className = [...classes(), name].join(' '); },
      remove: (name) => { this.className = classes().filter((c) => c !== name).join(' '); },
      contains: (name) => classes().includes(name),
    };
  }

  setAttribute(name, value) { this.attributes[name] = String(value); }

  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }

  append(...nodes) { this.childNodes.push(...nodes.map(asNode)); }

  /** Like the DOM's, moves a node that is a child already. */
  prepend(...nodes) {
    this.childNodes = this.childNodes.filter((node) => !nodes.includes(node));
    this.childNodes.unshift(...nodes.map(asNode));
  }

  get children() { return this.childNodes.filter((node) => node.nodeType === 1); }

  get childElementCount() { return this.children.length; }

  get textContent() { return this.childNodes.map((node) => node.textContent).join(''); }

  set textContent(text) { this.childNodes = text === '' ? [] : [new FakeText(text)]; }

  set innerHTML(html) { noHtml(); }

  set outerHTML(html) { noHtml(); }

  insertAdjacentHTML() { noHtml(); }

  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }

  /** Runs the listeners of `type` as a browser would for a user's action (cards.js submits forms, clicks buttons). */
  dispatch(type, event = {}) {
    const full = { preventDefault() {}, target: this, ...event };
    for (const listener of this.listeners[type] || []) listener(full);
  }

  remove() { this.removed = true; }

  focus() {}
}

export const fakeDocument = {
  createElement: (tagName) => new FakeElement(tagName),
  createTextNode: (data) => new FakeText(data),
};

/** The elements under `root` (itself included) that have the class `name`. */
export function byClass(root, name) {
  return elementsOf(root).filter((e) => e.className.split(' ').includes(name));
}

/** Every element under `root`, `root` included, depth first. */
export function elementsOf(root) {
  const found = [];
  const visit = (node) => {
    if (node.nodeType !== 1) return;
    found.push(node);
    node.childNodes.forEach(visit);
  };
  visit(root);
  return found;
}
