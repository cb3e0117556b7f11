/**
 * Regular expressions in mappings run on RE2 (linear time): an admin's pattern gives the same answers as
 * JavaScript's engine did, a catastrophic pattern on a hostile body still finishes, and syntax RE2 cannot run is
 * refused on save and falls back at runtime. Plain Node: the engine is pure.
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../schema/mapping-schemas';
import { applyMapping } from '../../worker/mapping/apply';
import { mappingErrors } from '../../worker/mapping/check';
import { evaluate } from '../../worker/mapping/expression';

const ctx = { integrationName: 'Uptime Kuma' };

/** JSONata's answer on JavaScript's own RegExp, the behaviour admins had before. */
const native = (expr: string, input: unknown) => jsonata(expr).evaluate(input);
/** A JSONata result list without the sequence flags it carries. */
const plain = (value: unknown) => (Array.isArray(value) ? Array.from(value) : value);

describe('regular expressions give the same results as before', () => {
  const body = {
    title: '[P1] [Triggered on {host:web-1}] Order 12 failed, ORDER 345 retried',
    lines: 'disk a1\ncpu b2\nmem c3',
    finished: '2026-03-03 14:00:00 UTC',
    tags: 'env:prod, team:db ,tier:1',
    emoji: '😀 é',
  };
  const cases: [string, string, unknown][] = [
    [
      '$match with i: every match, its index and its groups',
      '$match(title, /order (\\d+)/i)',
      [
        { match: 'Order 12', index: 33, groups: ['12'] },
        { match: 'ORDER 345', index: 50, groups: ['345'] },
      ],
    ],
    [
      '$match with m: ^ and $ at each line',
      '$match(lines, /^[a-z]+ ([a-z])(\\d)$/m).groups',
      ['a', '1', 'b', '2', 'c', '3'],
    ],
    ['$match without m: $ only at the end', '$match(lines, /\\d$/).match', '3'],
    ['$match: a group that took no part is empty', '$match("x", /(y)?x/).groups', [undefined]],
    ['$match with a limit', '$count($match(title, /\\d+/, 2))', 2],
    ['$match: indexes count UTF-16 units', '$match(emoji, /é/).index', 3],
    [
      '$match: a Datadog scope',
      '$match(title, /\\[[A-Za-z -]+ on \\{([^\\}]*)\\}\\]/).groups[0]',
      'host:web-1',
    ],
    [
      '$replace with groups',
      '$replace(finished, /^(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d) UTC$/, "$1T$2Z")',
      '2026-03-03T14:00:00Z',
    ],
    [
      '$replace: leading tags removed',
      '$replace(title, /^(\\[[^\\]]*\\]\\s*)*/, "")',
      'Order 12 failed, ORDER 345 retried',
    ],
    ['$replace with a limit', '$replace("aaaa", /a/, "b", 3)', 'bbba'],
    [
      '$replace with a function',
      '$replace(title, /(\\d+)/, function($m) { $string($number($m.groups[0]) * 2) })',
      '[P2] [Triggered on {host:web-2}] Order 24 failed, ORDER 690 retried',
    ],
    ['$contains with i', '$contains(title, /triggered/i)', true],
    ['$contains without a match', '$contains(title, /recovered/)', false],
    ['$contains through ~>', 'title ~> $contains(/ON \\{/i)', true],
    ['$split on a pattern', '$split(tags, /\\s*,\\s*/)', ['env:prod', 'team:db', 'tier:1']],
    ['$split with a limit', '$split(tags, /\\s*,\\s*/, 2)', ['env:prod', 'team:db']],
    ['a regex applied with ~>', '(title ~> /Triggered on \\{(\\w+)/).groups', ['host']],
  ];
  for (const [sentence, expr, expected] of cases)
    it(sentence, async () => {
      const before = plain(await native(expr, body));
      const after = plain(await evaluate(expr, body));
      expect(after).toEqual(expected);
      expect(after).toEqual(before);
    });

  it('still refuses a pattern that matches empty text over and over, as JSONata did', async () => {
    await expect(native('$match("abc", /x*/)', {})).rejects.toMatchObject({ code: 'D1004' });
    await expect(evaluate('$match("abc", /x*/)', {})).rejects.toThrow(/zero length string/);
  });
});

describe('a catastrophic pattern on a hostile body', () => {
  const hostile = { text: `${'a'.repeat(30_000)}!` };

  it('finishes /(a+)+$/ against 30 000 "a"s and a "!", and finds no match', async () => {
    expect(await evaluate('$contains(text, /(a+)+$/)', hostile)).toBe(false);
  });

  it('finishes a nested pattern that does match, with the whole text', async () => {
    const found = (await evaluate('$match(text, /^(a+)+!$/)', hostile)) as { match: string };
    expect(found.match).toHaveLength(30_001);
  });
});

describe('syntax RE2 cannot run', () => {
  const mapping: Mapping = {
    summary: '{{ $replace(title, /(?<=\\[)P\\d/, "") }}',
    severity: { value: '$match(level, /(\\w)\\1/) ? "critical"' },
    action: { value: '$contains(state, /down(?!time)/) ? "trigger" : "resolve"' },
    source: '{{ host }}',
  };

  it('is refused on save, naming the field, the pattern and what is missing', () => {
    const errors = mappingErrors(mapping);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^summary: .*`\/\(\?<=\\\[\)P\\d\/`.*lookbehind/);
    expect(errors[1]).toMatch(/^severity\.value: .*`\/\(\\w\)\\1\/`.*backreferences/);
    expect(errors[2]).toMatch(/^action\.value: .*`\/down\(\?!time\)\/`.*lookahead/);
  });

  it('is refused wherever it sits: in a lambda, a predicate or after ~>', () => {
    const nested: Mapping = {
      summary: '{{ title }}',
      details:
        '{ "a": $map(tags, function($t) { $t ~> /(x)\\1/ }), "b": items[$contains(name, /(?<!x)y/)] }',
    };
    expect(mappingErrors(nested).map((e) => e.split(':')[0])).toEqual(['details', 'details']);
  });

  it('refuses backreferences RE2 would silently read as other text: named, and numbered past 9', () => {
    const sneaky: Mapping = {
      summary: '{{ $match(title, /(?<word>\\w+) \\k<word>/).match }}',
      source: '{{ $match(host, /(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10/).match }}',
    };
    const errors = mappingErrors(sneaky);
    expect(errors[0]).toMatch(/^summary: .*named backreferences/);
    expect(errors[1]).toMatch(/^source: .*backreferences such as `\\10`/);
  });

  it('accepts RE2 patterns with flags, classes and named groups', () => {
    const fine: Mapping = {
      summary: '{{ $replace(title, /^(\\[[^\\]]*\\]\\s*)*/i, "") }}',
      severity: { value: '$match(level, /(?<word>[a-z]+)\\s*$/m).groups[0]' },
    };
    expect(mappingErrors(fine)).toEqual([]);
  });

  it('falls back at runtime when saved anyway, with a note naming the pattern, and the alert still fires', async () => {
    const result = await applyMapping(
      mapping,
      { title: '[P1] Disk', level: 'ee', state: 'down', host: 'db-1' },
      ctx,
    );
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      summary: 'Alert from Uptime Kuma',
      severity: 'error',
      action: 'trigger',
      source: 'db-1',
    });
    expect(result.notes.join('\n')).toMatch(/lookbehind/);
    expect(result.notes.join('\n')).toMatch(/backreferences/);
    expect(result.notes.join('\n')).toMatch(/lookahead/);
  });

  it('fails as an ordinary expression when $eval builds such a pattern at runtime', async () => {
    await expect(evaluate('$eval("$match(a, /(a)\\\\1/)")', { a: 'aa' })).rejects.toThrow(
      /failed: .*backreferences/,
    );
  });
});
