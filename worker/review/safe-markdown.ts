/**
 * Making text safe to paste into a wiki that renders Markdown (and the raw HTML Markdown allows).
 * `plain` is for facts (titles, names, alert summaries): they show exactly as written. `authored` is for
 * review sections, which are Markdown on purpose: formatting and code stay, but raw HTML becomes text
 * and a link or image may only point at http(s), mailto, tel or a relative address. Pure.
 */

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

/** One line of text: newlines would end a list item or heading early. */
export function inline(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Text shown literally: every character Markdown or HTML would act on is backslash-escaped. */
export function plain(text: string): string {
  return inline(text).replace(/[\\`*_[\]<>&|~]/g, '\\$&');
}

/** Author-written Markdown with raw HTML shown as text and links to anything but safe schemes disarmed. */
export function authored(markdown: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  let fence: { char: string; length: number } | null = null;
  const flush = () => {
    if (prose.length) out.push(disarm(prose.join('\n')));
    prose = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (fence) {
      out.push(line); // code is shown as code: nothing in it renders
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)?.[1];
      if (close && close[0] === fence.char && close.length >= fence.length) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (open) {
      flush();
      fence = { char: open[0] as string, length: open.length };
      out.push(line);
      continue;
    }
    prose.push(line);
  }
  flush();
  return out.join('\n');
}

/** Escape HTML and disarm unsafe link targets in prose, leaving inline code spans as they are. */
function disarm(prose: string): string {
  let result = '';
  let rest = prose;
  for (;;) {
    const start = rest.search(/`+/);
    if (start < 0) break;
    const run = /^`+/.exec(rest.slice(start))?.[0] ?? '`';
    // A code span ends at the next run of exactly as many backticks; without one, the backticks are text.
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = start + run.length;
    const end = close.exec(rest);
    if (!end) {
      result += escapeProse(rest.slice(0, start + run.length));
      rest = rest.slice(start + run.length);
      continue;
    }
    result += escapeProse(rest.slice(0, start)) + rest.slice(start, end.index + run.length);
    rest = rest.slice(end.index + run.length);
  }
  return result + escapeProse(rest);
}

function escapeProse(text: string): string {
  // `&` first, so an entity cannot spell out a scheme ("java&#115;cript:") or a tag; `<` so no tag or autolink opens.
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  // Inline links and images: "](" then the destination. Breaking "](" leaves the text as text.
  const links = escaped.replace(
    /\]\(([ \t]*\n?[ \t]*)([^\s)]*)/g,
    (whole, space: string, dest: string) => (safeDestination(dest) ? whole : `]\\(${space}${dest}`),
  );
  // Reference definitions: "[label]: destination" at the start of a line.
  return links.replace(
    /^( {0,3})\[([^\]\n]*)\]:([ \t]*)(\S*)/gm,
    (whole, indent: string, label: string, space: string, dest: string) =>
      safeDestination(dest) ? whole : `${indent}\\[${label}\\]:${space}${dest}`,
  );
}

/** True when a link destination is relative or uses a safe scheme (as a renderer would read it: escapes and controls removed). */
function safeDestination(dest: string): boolean {
  const normal = dest
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/[\u0000-\u0020\u007f]/g, '')
    .toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(normal)?.[1];
  return scheme === undefined || SAFE_SCHEMES.has(scheme);
}
