/** Where plugin activities get secret values from, and how they keep them out of what they return. */

/** Who asks for secrets: the run and its project (absent for runs outside the platform, e.g. the CLI). */
export interface SecretScope {
  runId: string;
  projectId?: string;
}

/**
 * Reads secret values for one activity. Implemented by the platform worker (PostgreSQL, decrypted
 * with the configured keys) and by the CLI (environment variables).
 *
 * @example
 * const resolver: SecretResolver = { resolve: async (_scope, names) => new Map(names.map((n) => [n, vault.get(n)])) };
 */
export interface SecretResolver {
  /**
   * The values of `names` that exist; a name without a secret is absent from the map (the caller
   * reports it). Throws only when the store cannot be read.
   */
  resolve(scope: SecretScope, names: readonly string[]): Promise<Map<string, string>>;
  /** Where the secrets come from, for the message of a missing one (`project secrets`, `environment`). */
  readonly source: string;
}

/** The prefix of the environment variables the CLI reads secrets from: `SWITCHYARD_SECRET_TOKEN`. */
export const SECRET_ENV_PREFIX = 'SWITCHYARD_SECRET_';

/**
 * Secrets from environment variables, for `switchyard run` without a database:
 * `${secrets.TOKEN}` reads `SWITCHYARD_SECRET_TOKEN`.
 */
export function environmentSecretResolver(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecretResolver {
  return {
    source: `environment variables ${SECRET_ENV_PREFIX}<NAME>`,
    resolve: (_scope, names) => {
      const values = new Map<string, string>();
      for (const name of names) {
        const value = env[`${SECRET_ENV_PREFIX}${name}`];
        if (value !== undefined) values.set(name, value);
      }
      return Promise.resolve(values);
    },
  };
}

/** Values shorter than this are not scrubbed: replacing every `ab` would mangle all output, and hide nothing. */
export const MIN_SCRUBBED_LENGTH = 4;

/**
 * Replaces every occurrence of the given secret values (and of their base64, base64url and
 * URL-encoded forms, which `Authorization: Basic` and URLs produce) with `***`.
 *
 * @example createScrubber(['hunter22'])('password=hunter22') // 'password=***'
 */
export function createScrubber(values: Iterable<string>): (text: string) => string {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SCRUBBED_LENGTH) continue;
    forms.add(value);
    forms.add(Buffer.from(value).toString('base64').replace(/=+$/, ''));
    forms.add(Buffer.from(value).toString('base64url'));
    forms.add(encodeURIComponent(value));
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  const ordered = [...forms].filter((form) => form.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((out, form) => (out.includes(form) ? out.split(form).join('***') : out), text);
}

/** A deep copy of a JSON-like value with `scrub` applied to every string and key. */
export function scrubValue<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubValue(item, scrub)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, scrub(key), {
        value: scrubValue(item, scrub),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}
