import { describe, expect, it } from 'vitest';
import en from './en.json';
import zh from './zh-CN.json';

/** Every key of a translation, its plural forms (fields_one, fields_other) counted as one. */
function keysOf(tree: object, prefix = ''): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`;
    if (value !== null && typeof value === 'object') for (const k of keysOf(value, `${path}.`)) keys.add(k);
    else keys.add(path);
  }
  return keys;
}

describe('the translations', () => {
  it('say the same things in Chinese and in English', () => {
    const [zhKeys, enKeys] = [keysOf(zh), keysOf(en)];
    expect([...enKeys].filter((k) => !zhKeys.has(k)), 'in English only').toEqual([]);
    expect([...zhKeys].filter((k) => !enKeys.has(k)), 'in Chinese only').toEqual([]);
  });
});
