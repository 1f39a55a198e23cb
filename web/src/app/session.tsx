/**
 * Who is signed in: the login token (kept in localStorage until it expires or is refused), the
 * user, and the projects they have a role in.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { configureClient, gql } from '../api/client';
import { LOGIN, PROJECTS } from '../api/documents';
import type { Project, User } from '../api/types';
import { closeSubscriptions } from '../api/ws';
import { closeCodecSession, openCodecSession } from './codec-session';

const STORAGE_KEY = 'switchyard.session';

interface StoredSession {
  token: string;
  expiresAt: string;
  user: User;
}

function readStored(): StoredSession | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as StoredSession;
    if (!session.token || new Date(session.expiresAt).getTime() <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

let current: StoredSession | null = readStored();

interface SessionContextValue {
  user: User | null;
  /** Why the last session ended, shown on the login page (expired, refused). */
  endedBecause: string | null;
  login(username: string, password: string): Promise<void>;
  logout(reason?: string): void;
  projects: Project[] | undefined;
  projectsError: unknown;
  reloadProjects(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<StoredSession | null>(current);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);
  const [projects, setProjects] = useState<Project[] | undefined>(undefined);
  const [projectsError, setProjectsError] = useState<unknown>(undefined);

  const logout = useCallback((reason?: string) => {
    current = null;
    window.localStorage.removeItem(STORAGE_KEY);
    closeCodecSession();
    closeSubscriptions();
    setSession(null);
    setProjects(undefined);
    setEndedBecause(reason ?? null);
  }, []);

  useEffect(() => {
    configureClient(
      () => current?.token ?? null,
      () => {
        if (current) logout('Your session ended. Please sign in again.');
      },
    );
  }, [logout]);

  const login = useCallback(async (username: string, password: string) => {
    const { login: result } = await gql<{ login: StoredSession }>(LOGIN, { username, password });
    current = { token: result.token, expiresAt: result.expiresAt, user: result.user };
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
    setEndedBecause(null);
    setSession(current);
  }, []);

  const reloadProjects = useCallback(async () => {
    try {
      const { projects: list } = await gql<{ projects: Project[] }>(PROJECTS);
      setProjects([...list].sort((a, b) => a.name.localeCompare(b.name)));
      setProjectsError(undefined);
    } catch (error) {
      setProjectsError(error);
    }
  }, []);

  useEffect(() => {
    if (session) void reloadProjects();
  }, [session, reloadProjects]);

  // A session restored from localStorage renews the codec cookie (it may have been cleared).
  useEffect(() => {
    if (session) openCodecSession(session.token);
  }, [session]);

  // Sign out when the token expires while the page stays open.
  useEffect(() => {
    if (!session) return;
    const left = new Date(session.expiresAt).getTime() - Date.now();
    const timer = window.setTimeout(
      () => logout('Your session expired. Please sign in again.'),
      Math.max(0, Math.min(left, 2 ** 31 - 1)),
    );
    return () => window.clearTimeout(timer);
  }, [session, logout]);

  const value = useMemo<SessionContextValue>(
    () => ({
      user: session?.user ?? null,
      endedBecause,
      login,
      logout,
      projects,
      projectsError,
      reloadProjects,
    }),
    [session, endedBecause, login, logout, projects, projectsError, reloadProjects],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
