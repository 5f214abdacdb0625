import { describe, expect, it } from 'vitest';
import { positiveInt } from './record-id';

describe('positiveInt', () => {
  it('reads the digits of an id or page number', () => {
    expect(positiveInt('1')).toBe(1);
    expect(positiveInt('42')).toBe(42);
    expect(positiveInt(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('answers null for anything that is not one, so no request carries NaN', () => {
    for (const text of ['abc', '', '0', '007', '-3', '1.5', '1e3', ' 1', '0x10', String(Number.MAX_SAFE_INTEGER + 2), null, undefined]) {
      expect(positiveInt(text), String(text)).toBeNull();
    }
  });
});
