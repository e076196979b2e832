// DOM building without HTML strings: every piece of text becomes a text node, so untrusted text (pasted errors,
// device ids and messages from logs) can never turn into markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An element with attributes (`class`, `href`, `data-*`, ... as strings) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  append(node, children);
  return node;
}

/** An SVG element, built the same way. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attributes);
  append(node, children);
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/** 12345 → "12,345". */
export function count(n) {
  return n.toLocaleString('en-US');
}

/** A byte count for people, in binary units: "12.3 MiB" (1 KiB = 1,024 bytes). */
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A KQL query to paste into Log Analytics: a heading, the query as text, and a button that copies it. The query
 * is shown and copied exactly as the core wrote it; it is text, never markup.
 */
export function kqlBlock(title, query) {
  const button = el('button', { type: 'button', class: 'copy-kql' }, 'Copy KQL');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(query);
      button.textContent = 'Copied';
    } catch {
      // No clipboard (an insecure page, a denied permission): select the text for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(button.nextElementSibling);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
  });
  return el('div', { class: 'kql' }, el('h5', {}, title), button, el('pre', {}, el('code', {}, query)));
}
