/** The chaos harness's seeded randomness: a seed replays the same events in the same order at the same gaps. */

/** mulberry32: a small seeded generator in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ChaosEvent = 'kill' | 'temporal' | 'api' | 'postgres';

/** The chaos events in a seeded order: `kills` worker kills, one Temporal restart, one API restart, one outage. */
export function chaosSchedule(kills: number, random: () => number): ChaosEvent[] {
  const events: ChaosEvent[] = [
    ...Array.from({ length: kills }, (): ChaosEvent => 'kill'),
    'temporal',
    'api',
    'postgres',
  ];
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return events;
}
