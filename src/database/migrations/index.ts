import { Foundation1795222400415 } from './1795222400415-Foundation';
import { ImmutableRecords1795222404243 } from './1795222404243-ImmutableRecords';
import { TemplateArchive1795223037044 } from './1795223037044-TemplateArchive';
import { RunProgress1795223235436 } from './1795223235436-RunProgress';
import { ScheduleRuns1795227284641 } from './1795227284641-ScheduleRuns';
import { RunCallback1795232572634 } from './1795232572634-RunCallback';
import { SubflowRuns1795232636279 } from './1795232636279-SubflowRuns';
import { ProjectSecrets1795232943682 } from './1795232943682-ProjectSecrets';
import { RegisteredPlugins1795233070330 } from './1795233070330-RegisteredPlugins';
import { CallbackUses1795233572021 } from './1795233572021-CallbackUses';
import { RunListingIndexes1795235479914 } from './1795235479914-RunListingIndexes';
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
  RunCallback1795232572634,
  SubflowRuns1795232636279,
  ProjectSecrets1795232943682,
  RegisteredPlugins1795233070330,
  CallbackUses1795233572021,
  RunListingIndexes1795235479914,
  NodeOutputs1795235717202,
];
