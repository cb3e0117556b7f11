import { describe, expect, it } from 'vitest';
import { describeJsonError, jsonErrorOffset } from '../../worker/service/json-position';

describe('where a body stops being JSON', () => {
  it.each([
    ['{"a": oops}', 6],
    ['{"a":1,}', 7],
    ['[1 2]', 3],
    ['{"a":1} trailing', 8],
    ['{"a":', 5],
    ['{a:1}', 1],
    ['"tab\there"', 0],
  ])('finds the first character of %j that cannot continue JSON at %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('agrees with JSON.parse on valid bodies, however deeply nested', () => {
    for (const text of ['{"a":[1,-2.5e3,true,null,{"b":"\\u00e9"}]}', ' [ ] ', '7'])
      expect(jsonErrorOffset(text)).toBe(-1);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(-1);
  });

  it('names the line, column and character, or says the body ended too soon', () => {
    expect(describeJsonError('{\n  "name": oops}')).toBe(
      'at line 2, column 11 (position 12): unexpected "o"',
    );
    expect(describeJsonError('{"a": [1, 2')).toBe(
      'at line 1, column 12 (position 11): the body ends too soon',
    );
  });
});
