/**
 * Escaping for the validation report. Everything in a report came from outside at some point
 * (markers, rule files, backend answers, browser errors), so every string goes through here
 * before it reaches the HTML, in text and in attribute values alike.
 */

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => REPLACEMENTS[character] ?? character);
}
