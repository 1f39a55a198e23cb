/** How long an authenticated principal or a project role is reused without asking the database. */
export const ACCESS_CACHE_TTL_MS = 5_000;

/** Beyond this many entries the cache starts over (a bound on memory, not an eviction policy). */
const MAX_ENTRIES = 10_000;

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * A short-lived memo of access decisions shared by all requests of this process: the principal of
 * a credential (keyed by the credential's SHA-256, never the credential) and a user's role in a
 * project. It spares every request the JWT check, the user or API-token lookup and the membership
 * lookup.
 *
 * Staleness: whatever changes access in this process calls {@link invalidate} (adding, changing or
 * removing a member, revoking an API token), so this API refuses at once. A change it does not see
 * (another API process, a hand-edited database) takes effect within {@link ACCESS_CACHE_TTL_MS}.
 * An entry never outlives the credential's own expiry.
 */
export class AccessCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs = ACCESS_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached value of `key`, or what `load` returns, cached until `expiresAt(value)` or the TTL,
   * whichever comes first. Nothing is cached when `load` throws, or when {@link invalidate} ran
   * while it was loading (the value may predate the change).
   */
  async get<T>(key: string, load: () => Promise<T>, expiresAt?: (value: T) => number | null): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value as T;
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const value = await load();
    if (this.ttlMs <= 0 || generation !== this.generation) return value;
    const until = Math.min(now + this.ttlMs, expiresAt?.(value) ?? Number.POSITIVE_INFINITY);
    if (until <= now) return value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, expiresAt: until });
    return value;
  }

  /** Forgets everything, including what lookups in flight would have stored. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }
}
