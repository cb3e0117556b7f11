/** Text cut to size for answers and storage (zod-free): shared by the adapters and the wire schemas' messages. */

/** Cut to at most `max` UTF-16 units including the marker, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Field names quoted back to the sender, bounded so a hostile key cannot bloat the error response. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => clip(n, 64));
  return names.length > shown.length
    ? `${shown.join(', ')} and ${names.length - shown.length} more`
    : shown.join(', ');
}
