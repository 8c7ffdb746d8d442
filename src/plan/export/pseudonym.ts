// Stable pseudonyms for TINs in exports: HMAC-SHA256 of the TIN with a secret kept in the workspace, so the
// same operator gets the same pseudonym in every export of that workspace and nobody without the workspace
// can reverse it.
import { createHmac, randomBytes } from 'node:crypto';
import type { Workspace } from '../../workspace/workspace.ts';

const SECRET_KEY = 'plan_pseudonym_secret';

export type Pseudonymiser = (tin: string) => string;

export async function pseudonymiser(ws: Workspace): Promise<Pseudonymiser> {
  let secret = await ws.getSetting(SECRET_KEY);
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    await ws.setSetting(SECRET_KEY, secret);
  }
  const cache = new Map<string, string>();
  return (tin: string) => {
    let p = cache.get(tin);
    if (!p) {
      p = 'OP-' + createHmac('sha256', secret!).update(tin).digest('hex').slice(0, 12).toUpperCase();
      cache.set(tin, p);
    }
    return p;
  };
}

export const identity: Pseudonymiser = (tin) => tin;
