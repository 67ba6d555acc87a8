import { useEffect, useState } from 'react';
import type { MouseEvent, ReactNode } from 'react';

/** The console's address; the API serves its page under it. */
const BASE = '/console';

/** A screen of the console, read from the address. */
export type Route =
  | { screen: 'clients' }
  | { screen: 'client'; clientId: string }
  | { screen: 'campaigns' }
  | { screen: 'credit' }
  | { screen: 'settings' };

const NAVIGATED = 'console:navigated';

/** The route of an address inside the console; unknown ones are the clients. */
export function routeOf(pathname: string): Route {
  const parts = pathname
    .slice(pathname.startsWith(BASE) ? BASE.length : 0)
    .split('/')
    .filter(Boolean);
  const [screen, id] = parts;
  if (screen === 'clients' && id) return { screen: 'client', clientId: id };
  if (screen === 'campaigns' || screen === 'credit' || screen === 'settings')
    return { screen };
  return { screen: 'clients' };
}

export function hrefOf(route: Route): string {
  if (route.screen === 'client') return `${BASE}/clients/${route.clientId}`;
  return `${BASE}/${route.screen}`;
}

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route));
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current route, following the back and forward buttons too. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.pathname));

  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** A real link (middle click, new tab) that navigates in place. */
export function Link(props: {
  to: Route;
  children: ReactNode;
  current?: boolean;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0)
      return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={hrefOf(props.to)}
      onClick={onClick}
      aria-current={props.current ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
