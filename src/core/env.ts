import type { Config } from './config.js';
import type { Cipher } from './crypto.js';
import type { Db } from './db.js';

/** What every service function is given besides the caller: the instance's shared handles. */
export interface Env {
  db: Db;
  config: Config;
  /** Encrypts and decrypts personal data. */
  cipher: Cipher;
  /** Keys the audit chain's hashes. */
  auditKey: Buffer;
}
