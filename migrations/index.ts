import type { Migration } from 'kysely';
import * as foundation from './202611240500_foundation.js';
import * as cases from './202611240600_cases.js';
import * as casePublic from './202611240700_case_public.js';

/** Every migration in order; names sort by the time they were written. */
export const migrations: Record<string, Migration> = {
  '202611240500_foundation': foundation,
  '202611240600_cases': cases,
  '202611240700_case_public': casePublic,
};
