import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zh from '../i18n/zh-CN.json';
import { DEPARTMENT_KINDS } from './types';

describe('the department kinds', () => {
  it('are each named in both languages, for the category settings', () => {
    for (const kind of DEPARTMENT_KINDS) {
      expect(zh.cases.departmentKind[kind], kind).toBeTruthy();
      expect(en.cases.departmentKind[kind], kind).toBeTruthy();
    }
  });
});
