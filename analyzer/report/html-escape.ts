// The HTML sink for bundle and rule-pack text (issue 13): control, bidi and other invisible
// characters are first made visible by the terminal sink (analyzer/text/inert.ts), then what HTML
// gives meaning to is escaped: `& < >` in element text (quotes mean nothing there, and JSON files are
// full of them), all five of `& < > " '` inside a quoted attribute. Element ids and in-page links
// are built only from `anchorId`, whose alphabet cannot carry a scheme, a quote, a space or a second
// `#`: no bundle string ever becomes a URL.
import { inert, inertLine } from '../text/inert.js';

const HTML_SPECIAL = /[&<>"']/g;
const TEXT_SPECIAL = /[&<>]/g;
const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** escape the five HTML-special characters (safe in text and in a quoted attribute) */
export function escapeHtml(s: string): string {
  return s.replace(HTML_SPECIAL, (c) => ENTITY[c] ?? c);
}

/** bundle text for element content (never an attribute), newlines kept (for <pre>) */
export function h(s: string): string {
  return inert(s).replace(TEXT_SPECIAL, (c) => ENTITY[c] ?? c);
}

/** bundle text on one line for element content: a newline shown as `\n` */
export function h1(s: string): string {
  return inertLine(s).replace(TEXT_SPECIAL, (c) => ENTITY[c] ?? c);
}

/** bundle text for a double-quoted attribute value, on one line */
export function ha(s: string): string {
  return escapeHtml(inertLine(s));
}

/** characters an anchor keeps as they are: enough for node names, paths and line suffixes to stay readable */
const ANCHOR_SAFE = /[A-Za-z0-9._/:@-]/;

/**
 * An element id that is also a valid URL fragment as it stands: characters outside `[A-Za-z0-9._/:@-]`
 * become `~hex~` (a space `~20~`, `#` `~23~`), so `worker-1/host/iptables-save.txt:L55` stays as
 * written and nothing needs percent-decoding. Starts with a letter or digit (`x` prefixed otherwise).
 */
export function anchorId(s: string): string {
  let out = '';
  for (const ch of s) out += ANCHOR_SAFE.test(ch) ? ch : `~${(ch.codePointAt(0) ?? 0).toString(16)}~`;
  return /^[A-Za-z0-9]/.test(out) ? out : `x${out}`;
}

/** `href="#…"` for an id made by anchorId (kept in one place so every link is built the same way) */
export function hrefTo(id: string): string {
  return `#${escapeHtml(id)}`;
}
