// The pages of the app: path, menu label key and the permission that shows them (same codes as the API).
import type { ComponentType } from 'react';
import { OverviewPage } from './pages/Overview.tsx';
import { HistoryPage } from './pages/History.tsx';
import { UsersPage } from './pages/Users.tsx';
import { AccountPage } from './pages/Account.tsx';
import { SegmentationPage } from './pages/Segmentation.tsx';
import { OperatorPage } from './pages/Operator.tsx';
import { GriPage } from './pages/Gri.tsx';
import { GriOperatorsPage } from './pages/GriOperators.tsx';
import { HsPage } from './pages/Hs.tsx';
import { DataPage } from './pages/Data.tsx';
import { TreatmentsPage } from './pages/Treatments.tsx';
import { RegisterPage } from './pages/Register.tsx';
import { MeasuresPage } from './pages/Measures.tsx';
import { KpisPage } from './pages/Kpis.tsx';
import { EffectPage } from './pages/Effect.tsx';
import { BacktestPage } from './pages/Backtest.tsx';
import { ExportsPage } from './pages/Exports.tsx';
import { GovernancePage } from './pages/Governance.tsx';
import { ImportsPage } from './pages/Imports.tsx';
import { JobsPage } from './pages/Jobs.tsx';

export interface PageDef {
  path: string;
  label: string;
  /** Shown when the user has any of these permissions. */
  permission: string | string[];
  component: ComponentType;
  /** Hidden from the menu (reached by drill-down). */
  hidden?: boolean;
}

export const PAGES: PageDef[] = [
  { path: '/', label: 'nav.overview', permission: 'overview.read', component: OverviewPage },
  { path: '/imports', label: 'nav.imports', permission: 'data.read', component: ImportsPage },
  { path: '/data', label: 'nav.data', permission: 'data.read', component: DataPage },
  { path: '/segmentation', label: 'nav.segmentation', permission: 'segments.read', component: SegmentationPage },
  { path: '/operators/:id', label: 'nav.operator', permission: 'taxpayer.read', component: OperatorPage, hidden: true },
  { path: '/gri', label: 'nav.gri', permission: 'segments.read', component: GriPage },
  { path: '/gri/operators', label: 'nav.griOperators', permission: 'taxpayer.read', component: GriOperatorsPage },
  { path: '/hs', label: 'nav.hs', permission: 'taxpayer.read', component: HsPage },
  { path: '/treatments', label: 'nav.treatments', permission: 'plan.read', component: TreatmentsPage },
  { path: '/register', label: 'nav.register', permission: 'plan.read', component: RegisterPage },
  { path: '/measures', label: 'nav.measures', permission: 'plan.read', component: MeasuresPage },
  { path: '/kpis', label: 'nav.kpis', permission: 'measure.read', component: KpisPage },
  { path: '/effect', label: 'nav.effect', permission: 'measure.read', component: EffectPage },
  { path: '/backtest', label: 'nav.backtest', permission: 'measure.read', component: BacktestPage },
  { path: '/governance', label: 'nav.governance', permission: 'plan.read', component: GovernancePage },
  { path: '/exports', label: 'nav.exports', permission: ['exports.read', 'taxpayer.read'], component: ExportsPage },
  { path: '/jobs', label: 'nav.jobs', permission: 'overview.read', component: JobsPage },
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
