/**
 * Inserts `token` where the caret is in a text field (replacing a
 * selection), then puts the caret after it; returns the new value.
 */
export function insertAtCursor(
  field: HTMLTextAreaElement | HTMLInputElement,
  token: string,
): string {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  const value = field.value.slice(0, start) + token + field.value.slice(end);
  const caret = start + token.length;

  // Restore focus and caret once React has written the new value.
  requestAnimationFrame(() => {
    field.focus();
    field.setSelectionRange(caret, caret);
  });
  return value;
}
