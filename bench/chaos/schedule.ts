/** The chaos harness's seeded randomness: a seed replays the same events in the same order at the same gaps. */

export { seeded } from '../support/shapes';

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
