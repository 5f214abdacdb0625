import crypto from 'node:crypto';
import { sha256 } from '../core/crypto.js';
import type { CaseRow } from './cases.repo.js';

/** Who may see what of a case through the public door, without an account. */

/**
 * Whether `secret` is the one given to the case's reporter at intake (only its hash is kept):
 * what lets a reporter without an account rate the case, add photos and read their own words.
 */
export function holdsSecret(c: Pick<CaseRow, 'public_secret_hash'>, secret: string): boolean {
  return !!c.public_secret_hash && crypto.timingSafeEqual(Buffer.from(c.public_secret_hash), Buffer.from(sha256(secret)));
}

/**
 * Whether anyone may see the reporter's words, place, the answers and photos: they agreed to be
 * shown, and did not also ask to be kept from staff.
 */
export function shownPublicly(c: Pick<CaseRow, 'shown_publicly' | 'confidential'>): boolean {
  return c.shown_publicly && !c.confidential;
}
