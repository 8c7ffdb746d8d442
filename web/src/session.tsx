// The signed-in user, shared by every page.
import { createContext, useContext } from 'react';

export interface Me {
  username: string;
  display_name: string | null;
  roles: string[];
  unit_id: string;
  language: 'en' | 'es' | 'fr' | 'pt';
  permissions: string[];
  offices: string[] | null;
}

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export const can = (me: Me, permission: string | string[]) =>
  (Array.isArray(permission) ? permission : [permission]).some((p) => me.permissions.includes(p));
