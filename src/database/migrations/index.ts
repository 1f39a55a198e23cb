import { Foundation1795222400415 } from './1795222400415-Foundation';
import { ImmutableRecords1795222404243 } from './1795222404243-ImmutableRecords';
import { TemplateArchive1795223037044 } from './1795223037044-TemplateArchive';
import { RunProgress1795223235436 } from './1795223235436-RunProgress';
import { ScheduleRuns1795227284641 } from './1795227284641-ScheduleRuns';
import { NodeOutputs1795235717202 } from './1795235717202-NodeOutputs';

/**
 * Every migration, oldest first. After `migration:generate` (see `../cli-data-source.ts`), add the
 * new class here: the app runs exactly this list at start.
 */
export const MIGRATIONS: Array<new () => unknown> = [
  Foundation1795222400415,
  ImmutableRecords1795222404243,
  TemplateArchive1795223037044,
  RunProgress1795223235436,
  ScheduleRuns1795227284641,
  NodeOutputs1795235717202,
];
