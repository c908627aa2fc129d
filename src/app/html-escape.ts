/**
 * Escaping for text we put into webview HTML ourselves. Plain Node (no vscode import) so the
 * preview renderer that uses it is unit-testable.
 */

/**
 * Text → HTML text or attribute value (double- or single-quoted): the five characters that can end
 * text or a quoted attribute or start markup or a character reference. Everything else, including
 * `/`, `=` and backticks, is inert inside text and quoted attributes.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}
