import { describe, expect, it } from 'vitest';
import { checkDraft, draftParameters, EMPTY_DRAFT } from './action-draft';

describe('the call back draft', () => {
  it('asks how satisfied the reporter is when they have not rated the case', () => {
    expect(checkDraft('callback', EMPTY_DRAFT, { hasCategory: true, reporterRating: null })).toEqual({ satisfaction: 'required' });
  });

  it('keeps the rating the reporter gave themselves, asking nothing and sending none', () => {
    expect(checkDraft('callback', EMPTY_DRAFT, { hasCategory: true, reporterRating: 4 })).toEqual({});
    expect(draftParameters('callback', EMPTY_DRAFT)).toEqual({});
  });
});
