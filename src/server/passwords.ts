// Password hashing with node:crypto scrypt. Stored as scrypt$N$r$p$salt$hash (salt and hash base64).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

/**
 * At most one scrypt at a time: it runs on libuv's thread pool, which DuckDB's queries share, so a burst of sign-ins
 * must not fill the pool and stall signed-in work (bench http, login flood). After each, the next waits a moment:
 * in a burst the hashing takes at most about two thirds of a core, and a sign-in alone is not delayed.
 */
const GAP_MS = 20;
let queue: Promise<unknown> = Promise.resolve();
function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  const run = queue.then(() => scryptNow(password, salt, opts));
  queue = run.catch(() => undefined).then(() => new Promise((r) => setTimeout(r, GAP_MS)));
  return run;
}

function scryptNow(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/** The same scrypt work as verifyPassword, against a hash no password matches: for user names that do not exist. */
export async function verifyUnknownUser(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(32).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}

/** Minimum policy for local accounts: 10+ characters. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'password must have at least 10 characters';
  return null;
}

/** A readable random password for first-run accounts (about 95 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += alphabet[bytes[i] % alphabet.length];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
}
