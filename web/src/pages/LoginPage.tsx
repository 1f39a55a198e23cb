/** Sign in with a username and password; the URL asked for is shown afterwards. */
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { useSession } from '../app/session';

export function LoginPage() {
  const { login, endedBecause } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'UNAUTHENTICATED' ? 'Wrong username or password.' : errorMessage(err),
      );
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <span>Switchyard</span>
        </div>
        <h1 id="login-title">Sign in</h1>
        {endedBecause && !error && <p className="notice">{endedBecause}</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="login-username" className="field-label">
            Username
          </label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password" className="field-label">
            Password
          </label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
