import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const IV_BYTES = 12;
/** IVs drawn this many at a time: one call to the system's random source serves many values. */
const IVS_PER_DRAW = 256;
let ivs = Buffer.alloc(0);
let ivAt = 0;

/** A fresh random IV, never handed out twice: the pool is replaced, not refilled in place. */
function nextIv(): Buffer {
  if (ivAt + IV_BYTES > ivs.length) {
    ivs = crypto.randomBytes(IV_BYTES * IVS_PER_DRAW);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivs.subarray(ivAt - IV_BYTES, ivAt);
}

/**
 * Personal data at rest: AES-256-GCM with a random IV per value, stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url), so a future key can sit beside this one.
 */
export class Cipher {
  private readonly indexKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the personal-data key must be 32 bytes');
    // Its own key, so that the index and the encryption never share one.
    this.indexKey = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'shiyu phone index v1', 32));
  }

  /**
   * A blind index of a phone number: equal numbers, however written (+86 138-1234-5678 or
   * 13812345678), give equal values, and the value tells nothing without the key. Null when
   * there are no digits.
   */
  phoneIndex(phone: string | null | undefined): string | null {
    let digits = (phone ?? '').replace(/\D/g, '');
    // China's country code before a mobile number: the same phone as without it.
    if (/^86(1\d{10})$/.test(digits)) digits = digits.slice(2);
    if (!digits) return null;
    return crypto.createHmac('sha256', this.indexKey).update(digits).digest('base64url');
  }

  encrypt(plain: string): string {
    // Drawn one by one, the IVs' system calls were a fortieth of the server's time under intake.
    const iv = nextIv();
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not an encrypted value');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptOptional(plain: string | null | undefined): string | null {
    return plain ? this.encrypt(plain) : null;
  }
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('SHIYU_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * The key from SHIYU_SECRET_KEY, else from `secret.key` in the data directory,
 * created on first start readable by its owner only.
 */
export function loadKey(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey) return parseKey(secretKey);
  const file = path.join(dataDir, 'secret.key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKey(fs.readFileSync(file, 'utf8'));
}

/** 138****5678: the first three and last four digits of a phone number. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** 张*: a person's family name and a star for each other character. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** w***@example.cn: the first character of the mailbox and the whole domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '*'.repeat(email.length);
  return `${email[0]}***${email.slice(at)}`;
}

/** 320612********1234: region and last four of an ID number. */
export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** sha256 hex, for tokens and keys stored only as their hash. */
export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** scrypt with a random salt: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n), r: Number(r), p: Number(p), keylen: expected.length,
  });
  return crypto.timingSafeEqual(expected, actual);
}

function scrypt(password: string, salt: Buffer, o: typeof SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password, salt, o.keylen, { N: o.N, r: o.r, p: o.p }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}
