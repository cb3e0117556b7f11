/** JSON values a sender (or attacker) can post; every adapter must answer them with an error result. */
function deeplyNested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i += 1) value = { nested: value };
  return value;
}

export const HOSTILE_BODIES: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['an array', [{ summary: 'x' }]],
  ['a number', 42],
  ['a string', 'summary=disk full'],
  ['a boolean', true],
  ['an empty object', {}],
  ['a deeply nested object', deeplyNested(50_000)],
  ['an object with a huge unknown key', { ['k'.repeat(100_000)]: 'v' }],
  [
    'an object whose prototype-named keys hold junk',
    JSON.parse('{"__proto__":{"summary":"x"},"constructor":1}') as unknown,
  ],
];

export { deeplyNested };
