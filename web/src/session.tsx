// The signed-in user, shared by every page.
import { createContext, useContext } from 'react';
import type { MeOut } from '../../src/server/routes/auth.ts';

export type Me = MeOut;

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export const can = (me: Me, permission: string | string[]) =>
  (Array.isArray(permission) ? permission : [permission]).some((p) => me.permissions.includes(p));
