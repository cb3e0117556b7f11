import type { Route } from '../lib/router';
import type { User } from '../lib/types';

type Tab = { route: Route['name']; href: string; label: string; icon: string };

// 24×24 stroke icons, one path each; the label is always shown under them.
const TABS: Tab[] = [
  {
    route: 'home',
    href: '/',
    label: 'Home',
    icon: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0',
  },
  {
    route: 'oncall',
    href: '/oncall',
    label: 'On call',
    icon: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
  },
  {
    route: 'reports',
    href: '/reports',
    label: 'Reports',
    icon: 'M5 20V11M12 20V4M19 20v-6M3 20h18',
  },
  {
    route: 'settings',
    href: '/settings',
    label: 'Settings',
    icon: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  },
  {
    route: 'admin',
    href: '/admin',
    label: 'Admin',
    icon: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  },
];

/** The pages the bar is shown on: the top-level ones (an incident has its own bottom bar of actions). */
export const TOP_LEVEL = new Set<Route['name']>(TABS.map((t) => t.route));

/** The bottom bar: one thumb away from every top-level page; Admin only for admins. */
export function TabBar({ current, me }: { current: Route['name']; me: User }) {
  return (
    <nav class="tab-bar" aria-label="Main">
      {TABS.filter((t) => t.route !== 'admin' || me.role === 'admin').map((t) => (
        <a
          key={t.route}
          href={t.href}
          class="tab"
          aria-current={t.route === current ? 'page' : undefined}
        >
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <path d={t.icon} />
          </svg>
          <span>{t.label}</span>
        </a>
      ))}
    </nav>
  );
}
