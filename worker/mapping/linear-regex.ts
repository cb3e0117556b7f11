/**
 * Regular expressions for JSONata on RE2's JavaScript port. JavaScript's own engine backtracks, so an admin's
 * `/(a+)+$/` on a hostile body could burn a Worker's CPU inside one evaluation step, where no step bound reaches;
 * RE2 matches in time linear in the text. The price is RE2 syntax: no backreferences and no lookaround.
 */
import { RE2JS } from 're2js';

/** RE2's refusals of backtracking-only syntax, in the admin's terms; RE2's own message for anything else. */
const UNSUPPORTED: [RegExp, string][] = [
  [/`\\[1-9]/, 'backreferences such as `\\1` are not supported'],
  [/`\(\?<[=!]/, 'lookbehind (`(?<=` and `(?<!`) is not supported'],
  [/`\(\?[=!]/, 'lookahead (`(?=` and `(?!`) is not supported'],
];

/** A pattern RE2 refuses, with a sentence naming it and why. */
export class UnsupportedRegex extends Error {
  override name = 'UnsupportedRegex';
  constructor(
    readonly regexp: RegExp,
    reason: string,
  ) {
    super(
      `the regular expression \`/${regexp.source}/${regexp.flags.replace('g', '')}\` cannot run on the linear-time engine (RE2 syntax): ${reason}`,
    );
  }
}

/** Compiled once per RegExp object: JSONata builds a new engine each time it evaluates the same literal. */
const compiled = new WeakMap<RegExp, RE2JS | UnsupportedRegex>();

/** The RE2 program for a JSONata regex literal (its i/m/s flags carried over); throws UnsupportedRegex. */
export function linearPattern(regexp: RegExp): RE2JS {
  let entry = compiled.get(regexp);
  if (entry === undefined) {
    try {
      const pattern = RE2JS.compile(RE2JS.translateRegExp(regexp));
      const reference = backreference(regexp.source, pattern);
      entry = reference ? new UnsupportedRegex(regexp, reference) : pattern;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const known = UNSUPPORTED.find(([refusal]) => refusal.test(message));
      entry = new UnsupportedRegex(regexp, known?.[1] ?? message);
    }
    compiled.set(regexp, entry);
  }
  if (entry instanceof UnsupportedRegex) throw entry;
  return entry;
}

const NUMBER = /[1-9]\d*/y;

/**
 * A backreference RE2 would read differently instead of refusing: `\10` (octal in RE2) with ten groups, and
 * `\k<name>` (translated to the letters "k<name>") when the pattern names its groups.
 */
function backreference(source: string, pattern: RE2JS): string | undefined {
  const named = Object.keys(pattern.namedGroups()).length > 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      NUMBER.lastIndex = i + 1;
      const digits = inClass ? undefined : NUMBER.exec(source)?.[0];
      if (digits && Number(digits) <= pattern.groupCount())
        return `backreferences such as \`\\${digits}\` are not supported`;
      if (!inClass && named && source.startsWith('k<', i + 1))
        return 'named backreferences (`\\k<name>`) are not supported';
      i++;
    } else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
  }
  return undefined;
}

type Matcher = ReturnType<RE2JS['matcher']>;

/**
 * What JSONata needs of a RegExp with the `g` flag (it passes this class as `RegexEngine`): `exec` searches from
 * `lastIndex` and leaves `lastIndex` after the match; groups that did not take part are undefined, as natively.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;
  private readonly groups: number;
  private text?: string;
  private matcher?: Matcher;

  constructor(regexp: RegExp) {
    this.pattern = linearPattern(regexp);
    this.groups = this.pattern.groupCount();
  }

  exec(input: string): RegExpExecArray | null {
    const text = String(input);
    if (this.matcher === undefined || this.text !== text) {
      this.matcher = this.pattern.matcher(text);
      this.text = text;
    }
    const m = this.matcher;
    if (this.lastIndex > text.length || !m.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const found: (string | undefined)[] = [];
    for (let i = 0; i <= this.groups; i++) found.push(m.group(i) ?? undefined);
    const result = Object.assign(found, { index: m.start(), input: text }) as RegExpExecArray;
    this.lastIndex = m.end();
    return result;
  }
}
