import { AccessCache } from './access-cache';

describe(AccessCache.name, () => {
  let now: number;
  let loads: number;
  const load = (value: string) => () => {
    loads++;
    return Promise.resolve(value);
  };

  beforeEach(() => {
    now = 1_000_000;
    loads = 0;
  });

  it('reuses a value for the TTL, then loads it again', async () => {
    const cache = new AccessCache(5_000, () => now);
    expect(await cache.get('k', load('a'))).toBe('a');
    now += 4_999;
    expect(await cache.get('k', load('b'))).toBe('a');
    now += 1;
    expect(await cache.get('k', load('c'))).toBe('c');
    expect(loads).toBe(2);
  });

  it("never keeps a value past its own expiry (a token's exp)", async () => {
    const cache = new AccessCache(5_000, () => now);
    await cache.get('k', load('a'), () => now + 1_000);
    now += 1_000;
    expect(await cache.get('k', load('b'))).toBe('b');
    // Already expired: not cached at all.
    await cache.get('gone', load('x'), () => now);
    expect(await cache.get('gone', load('y'))).toBe('y');
  });

  it('forgets everything on invalidate, including a load that was in flight', async () => {
    const cache = new AccessCache(5_000, () => now);
    await cache.get('k', load('a'));
    cache.invalidate();
    expect(await cache.get('k', load('b'))).toBe('b');

    let finish!: (value: string) => void;
    const slow = cache.get('slow', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.invalidate();
    finish('before the change');
    expect(await slow).toBe('before the change');
    expect(await cache.get('slow', load('after the change'))).toBe('after the change');
  });

  it('caches no failure, and nothing with a TTL of 0', async () => {
    const cache = new AccessCache(5_000, () => now);
    await expect(cache.get('k', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await cache.get('k', load('a'))).toBe('a');

    const off = new AccessCache(0, () => now);
    await off.get('k', load('a'));
    expect(await off.get('k', load('b'))).toBe('b');
  });
});
