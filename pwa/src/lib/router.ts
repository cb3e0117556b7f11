/**
 * A tiny pathname router: history.pushState plus one delegated click handler for same-origin links.
 * Add a page by adding a pattern to ROUTES and a case in app.tsx.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'join'; token: string }
  | { name: 'incident'; id: string }
  | { name: 'review'; id: string }
  | { name: 'oncall' }
  | { name: 'reports' }
  | { name: 'settings' }
  | { name: 'admin' }
  | { name: 'not-found' };

const ROUTES: [RegExp, (m: RegExpMatchArray) => Route][] = [
  [/^\/$/, () => ({ name: 'home' })],
  [/^\/join\/([^/]+)\/?$/, (m) => ({ name: 'join', token: decodeURIComponent(m[1]!) })],
  [/^\/incidents\/([^/]+)\/?$/, (m) => ({ name: 'incident', id: decodeURIComponent(m[1]!) })],
  [/^\/incidents\/([^/]+)\/review\/?$/, (m) => ({ name: 'review', id: decodeURIComponent(m[1]!) })],
  [/^\/oncall\/?$/, () => ({ name: 'oncall' })],
  [/^\/reports\/?$/, () => ({ name: 'reports' })],
  [/^\/settings\/?$/, () => ({ name: 'settings' })],
  [/^\/admin\/?$/, () => ({ name: 'admin' })],
];

/** Which page a pathname shows. */
export function matchRoute(pathname: string): Route {
  for (const [pattern, build] of ROUTES) {
    const m = pathname.match(pattern);
    if (m) return build(m);
  }
  return { name: 'not-found' };
}

const NAVIGATE = 'firebell:navigate';

/** Go to an in-app path; `replace` keeps it out of the back stack (used after sign-in, to forget the token). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
  if (!opts.replace) window.scrollTo(0, 0);
}

/** The current pathname, re-rendering on navigation and back/forward. */
export function usePathname(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    document.addEventListener('click', interceptLinkClick);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
      document.removeEventListener('click', interceptLinkClick);
    };
  }, []);
  return path;
}

/** Turn plain clicks on same-origin <a href> into pushState navigations; leave everything else to the browser. */
function interceptLinkClick(ev: MouseEvent): void {
  if (
    ev.defaultPrevented ||
    ev.button !== 0 ||
    ev.metaKey ||
    ev.ctrlKey ||
    ev.shiftKey ||
    ev.altKey
  )
    return;
  const a = (ev.target as Element | null)?.closest?.('a');
  if (!a || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search)
    navigate(url.pathname + url.search);
}
