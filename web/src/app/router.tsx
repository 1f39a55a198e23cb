/**
 * A small history-API router: real URLs (the server falls back to index.html), links that stay
 * links (open in a new tab works), and a guard for unsaved changes.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
let guard: (() => string | null) | null = null;

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

/**
 * Registers what to ask before leaving the page (`null`: nothing to ask). Returns the function
 * that removes it.
 */
export function setNavigationGuard(check: () => string | null): () => void {
  guard = check;
  return () => {
    if (guard === check) guard = null;
  };
}

/** Goes to `to` inside the app; false when the user chose to stay (unsaved changes). */
export function navigate(to: string, options: { replace?: boolean } = {}): boolean {
  const question = guard?.();
  if (question && !window.confirm(question)) return false;
  guard = null;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
  return true;
}

/** Changes the query string without a new history entry or a scroll (filters). */
export function replaceSearch(params: URLSearchParams): void {
  const search = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
  notify();
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams };
}

/** `/p/:projectId/runs/:runId` against a path: the parameters, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
