import crypto from 'node:crypto';
import { sha256 } from '../core/crypto.js';
import type { CaseRow } from './cases.repo.js';

/**
 * Whether `secret` is the one given to the case's reporter at intake (only its hash is kept):
 * what lets a reporter without an account rate the case, add photos and read their own words.
 */
export function holdsSecret(c: Pick<CaseRow, 'public_secret_hash'>, secret: string): boolean {
  return !!c.public_secret_hash && crypto.timingSafeEqual(Buffer.from(c.public_secret_hash), Buffer.from(sha256(secret)));
}
