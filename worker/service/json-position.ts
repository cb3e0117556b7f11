/**
 * Where a body stops being JSON, for the 400 a sender reads: V8's JSON.parse names the position only for some
 * mistakes, and quotes the body (which may carry the integration key) for others. A scan with an explicit stack,
 * so a hostile body of deep brackets cannot overflow the call stack.
 */

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after';

/** The offset of the first character that cannot continue valid JSON (text.length when it ends early), or -1. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const stack: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  for (;;) {
    match(SPACE);
    const c = text[i];
    if (expect === 'after') {
      const top = stack.at(-1);
      if (!top) return i < text.length ? i : -1;
      if (c === ',') expect = top === '{' ? 'key' : 'value';
      else if (c === (top === '{' ? '}' : ']')) stack.pop();
      else return i;
      i++;
      continue;
    }
    if ((expect === 'key-or-close' && c === '}') || (expect === 'value-or-close' && c === ']')) {
      stack.pop();
      i++;
      expect = 'after';
      continue;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (!match(STRING)) return i;
      match(SPACE);
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
      continue;
    }
    if (!(match(STRING) || match(NUMBER) || match(LITERAL))) return i;
    expect = 'after';
  }
}

/** "at line 2, column 7 (position 12): unexpected "o"", where a body that is not JSON stops being JSON. */
export function describeJsonError(text: string): string {
  const offset = jsonErrorOffset(text);
  // Valid by the grammar, yet refused by JSON.parse: only limits (nesting) remain.
  if (offset < 0) return 'as a whole: it is nested too deeply';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const what =
    offset >= text.length ? 'the body ends too soon' : `unexpected ${JSON.stringify(text[offset])}`;
  return `at line ${line}, column ${column} (position ${offset}): ${what}`;
}
