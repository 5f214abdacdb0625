import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cipher, hashPassword, loadKey, maskIdNumber, maskName, maskPhone, verifyPassword } from './crypto.js';

describe('personal data encryption', () => {
  const cipher = new Cipher(crypto.randomBytes(32));

  it('round-trips text and never repeats a ciphertext', () => {
    const a = cipher.encrypt('13812345678');
    const b = cipher.encrypt('13812345678');
    expect(a).not.toBe(b);
    expect(a).not.toContain('13812345678');
    expect(cipher.decrypt(a)).toBe('13812345678');
    expect(cipher.decrypt(cipher.encrypt('身份证 320612199001011234'))).toBe('身份证 320612199001011234');
  });

  it('never gives two values the same IV, across many draws of the pool', () => {
    const ivs = Array.from({ length: 1_000 }, () => cipher.encrypt('x').split('.')[1]);
    expect(new Set(ivs).size).toBe(1_000);
    expect(ivs.every((iv) => Buffer.from(iv, 'base64url').length === 12)).toBe(true);
  });

  it('refuses a tampered value and a value under another key', () => {
    const stored = cipher.encrypt('13812345678');
    const parts = stored.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => new Cipher(crypto.randomBytes(32)).decrypt(stored)).toThrow();
    expect(() => cipher.decrypt('plain text')).toThrow(/not an encrypted value/);
  });

  it('masks phone and ID numbers', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('李')).toBe('*');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskIdNumber('320612199001011234')).toBe('320612********1234');
  });
});

describe('phone index', () => {
  const cipher = new Cipher(crypto.randomBytes(32));

  it('gives one value to a number however it is written, another to another number, none without digits', () => {
    const index = cipher.phoneIndex('13812345678');
    for (const written of ['138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '8613812345678']) expect(cipher.phoneIndex(written), written).toBe(index);
    expect(cipher.phoneIndex('13812345679')).not.toBe(index);
    expect(cipher.phoneIndex('0513-85123456')).toBe(cipher.phoneIndex('051385123456'));
    expect([cipher.phoneIndex(''), cipher.phoneIndex(null), cipher.phoneIndex('—')]).toEqual([null, null, null]);
  });

  it('tells nothing without the key: another key, another value, and no digits in it', () => {
    const index = cipher.phoneIndex('13812345678')!;
    expect(new Cipher(crypto.randomBytes(32)).phoneIndex('13812345678')).not.toBe(index);
    expect(index).not.toMatch(/1381234|5678/);
  });
});

describe('key', () => {
  it('takes SHIYU_SECRET_KEY as hex or base64 and refuses a short one', () => {
    const raw = crypto.randomBytes(32);
    expect(loadKey(raw.toString('hex'), '/nonexistent').equals(raw)).toBe(true);
    expect(loadKey(raw.toString('base64'), '/nonexistent').equals(raw)).toBe(true);
    expect(() => loadKey('abcd', '/nonexistent')).toThrow(/32 bytes/);
  });

  it('creates a key file readable by its owner only, and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-key-'));
    const first = loadKey(undefined, dir);
    const mode = fs.statSync(path.join(dir, 'secret.key')).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(loadKey(undefined, dir).equals(first)).toBe(true);
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies', async () => {
    const a = await hashPassword('demo');
    const b = await hashPassword('demo');
    expect(a).toMatch(/^scrypt\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('demo', a)).toBe(true);
    expect(await verifyPassword('Demo', a)).toBe(false);
    expect(await verifyPassword('demo', 'md5$abc')).toBe(false);
  });
});
