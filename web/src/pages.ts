// The pages of the app: path, menu label key and the permission that shows them (same codes as the API).
import type { ComponentType } from 'react';
import { OverviewPage } from './pages/Overview.tsx';
import { HistoryPage } from './pages/History.tsx';
import { UsersPage } from './pages/Users.tsx';
import { AccountPage } from './pages/Account.tsx';
import { SegmentationPage } from './pages/Segmentation.tsx';
import { OperatorPage } from './pages/Operator.tsx';
import { GriPage } from './pages/Gri.tsx';
import { HsPage } from './pages/Hs.tsx';

export interface PageDef {
  path: string;
  label: string;
  permission: string;
  component: ComponentType;
  /** Hidden from the menu (reached by drill-down). */
  hidden?: boolean;
}

export const PAGES: PageDef[] = [
  { path: '/', label: 'nav.overview', permission: 'overview.read', component: OverviewPage },
  { path: '/segmentation', label: 'nav.segmentation', permission: 'segments.read', component: SegmentationPage },
  { path: '/operators/:id', label: 'nav.operator', permission: 'taxpayer.read', component: OperatorPage, hidden: true },
  { path: '/gri', label: 'nav.gri', permission: 'segments.read', component: GriPage },
  { path: '/hs', label: 'nav.hs', permission: 'taxpayer.read', component: HsPage },
  { path: '/history', label: 'nav.history', permission: 'history.read', component: HistoryPage },
  { path: '/users', label: 'nav.users', permission: 'users.manage', component: UsersPage },
  { path: '/account', label: 'nav.account', permission: 'overview.read', component: AccountPage, hidden: true },
];

export function matchPage(path: string): { page: PageDef; params: string[] } | undefined {
  for (const page of PAGES) {
    if (page.path.includes(':')) {
      const re = new RegExp('^' + page.path.replace(/:[^/]+/g, '([^/]+)') + '$');
      const m = path.match(re);
      if (m) return { page, params: m.slice(1).map(decodeURIComponent) };
    } else if (page.path === path) return { page, params: [] };
  }
  return undefined;
}
