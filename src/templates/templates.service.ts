import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, type EntityManager, IsNull, QueryFailedError, Repository } from 'typeorm';
import type { ExecutionPlan } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import { planTooLarge } from '../../workflows/plan';
import { parseDefinitionText } from '../../workflows/definition/parse';
import type { Problem } from '../../workflows/definition/problems';
import {
  resolveSubflowPlans,
  SubflowResolutionError,
  subflowReferences,
  type ResolvedSubflow,
  type SubflowReference,
  type SubflowRoot,
} from '../../workflows/definition/subflows';
import type { Definition, JsonObject } from '../../workflows/definition/types';
import { validateDefinition } from '../../workflows/definition/validate';
import { isUuid } from '../common/auth/access';
import { type Principal, principalLabel } from '../common/auth/principal';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-errors';
import { PluginCatalogService } from '../plugins-catalog/plugin-catalog.service';
import { contentHash } from './content-hash';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';

/**
 * A definition as a client sends it: exactly one of a JSON object (`definition`) or YAML/JSON
 * text (`source`). `null` counts as absent.
 */
export interface DefinitionSource {
  definition?: unknown;
  source?: string | null;
}

/** What {@link TemplatesService.check} says about a {@link DefinitionSource}. */
export interface DefinitionCheck {
  /** The validated definition (a fresh plain-JSON copy), when there is no problem. */
  definition?: JsonObject;
  /** {@link contentHash} of `definition`, when there is no problem. */
  contentHash?: string;
  problems: Problem[];
  warnings: Problem[];
}

/** A template version together with its template (loaded), as {@link TemplatesService.getVersion} returns it. */
export type ResolvedTemplateVersion = TemplateVersion & { template: Template };

const MAX_NAME_LENGTH = 100;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/** A new version row (an instance, so saving it does not recurse through the JSON type). */
function versionRow(fields: Pick<TemplateVersion, 'templateId' | 'version' | 'definition' | 'contentHash' | 'author'>) {
  return Object.assign(new TemplateVersion(), fields);
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Templates and their immutable versions. Every definition is validated against the plugin catalog
 * before it is stored; an invalid one is refused with ALL its problems ({@link BadUserInputError}).
 * Version N+1 is published under a row lock on the template, so concurrent updates never collide.
 */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectRepository(TemplateVersion) private readonly versions: Repository<TemplateVersion>,
    private readonly dataSource: DataSource,
    private readonly catalog: PluginCatalogService,
  ) {}

  // ---- for the runs module (keep these signatures stable) -----------------------------------

  /**
   * The version a NEW run of a template starts from: version `version`, or the latest one when it
   * is absent. The template is loaded on the result (`result.template`: project, name...).
   *
   * @param templateId the template's id.
   * @param version a version number (1, 2...); the latest when `undefined` or `null`.
   * @throws {NotFoundError} no such template, or no such version of it.
   * @throws {ConflictError} the template is archived: it starts no new runs.
   * @example
   * const pinned = await templates.getVersion(input.templateId, input.version);
   * compilePlan(pinned.definition, ...); run.templateVersionId = pinned.id; run.version = pinned.version;
   */
  async getVersion(templateId: string, version?: number | null): Promise<ResolvedTemplateVersion> {
    const template = await this.findById(templateId);
    if (template.archivedAt) {
      throw new ConflictError(`Template ${JSON.stringify(template.name)} is archived and starts no new runs`);
    }
    const number = version ?? template.latestVersionNumber;
    const found = await this.versions.findOneBy({ templateId, version: number });
    if (!found) throw new NotFoundError('Template version', `${template.name} v${number}`);
    return Object.assign(found, { template });
  }

  /**
   * A version by its id, archived template or not (for showing what an existing run pinned).
   *
   * @throws {NotFoundError} when there is no such version.
   */
  async findVersion(id: string): Promise<TemplateVersion> {
    const found = await this.versions.findOneBy({ id });
    if (!found) throw new NotFoundError('Template version', id);
    return found;
  }

  /**
   * The execution plan of a definition with every subflow resolved, recursively, in the project:
   * `version: latest` (or none) becomes the template's latest version now.
   *
   * @throws {BadUserInputError} a subflow naming no active template or version of the project, a
   *   cycle (a template that would include itself), a tree too deep; each with its node's path.
   */
  async planWithSubflows(projectId: string, root: SubflowRoot): Promise<ExecutionPlan> {
    const plan = await this.resolvePlan(projectId, root);
    this.checkPlanSize(plan);
    return plan;
  }

  /** @throws {BadUserInputError} a plan over PLAN_BYTES_LIMIT (workflows/payload-size.ts): refused with its size, never left to fail in Temporal. */
  private checkPlanSize(plan: ExecutionPlan): void {
    const tooLarge = planTooLarge(plan);
    if (tooLarge)
      throw new BadUserInputError([{ path: '', message: tooLarge }], `Template too large to run: ${tooLarge}`);
  }

  private async resolvePlan(projectId: string, root: SubflowRoot): Promise<ExecutionPlan> {
    try {
      return await resolveSubflowPlans(
        root,
        (reference) => this.subflowTarget(projectId, reference),
        (definition) => compilePlan(definition, this.catalog),
      );
    } catch (error) {
      if (!(error instanceof SubflowResolutionError)) throw error;
      throw new BadUserInputError(
        error.problems,
        error.problems.length === 1
          ? `Invalid subflow: ${error.problems[0].path}: ${error.problems[0].message}`
          : `Invalid subflows (${error.problems.length} problems)`,
      );
    }
  }

  /** The template version a subflow node names: by id or by name, in the project. */
  private async subflowTarget(projectId: string, reference: SubflowReference): Promise<ResolvedSubflow> {
    const name = reference.template;
    const byId = isUuid(name) ? await this.templates.findOneBy({ id: name, projectId }) : null;
    const template = byId ?? (await this.templates.findOneBy({ projectId, name, archivedAt: IsNull() }));
    if (!template) throw new Error(`no template ${JSON.stringify(name)} in this project`);
    if (template.archivedAt) throw new Error(`template ${JSON.stringify(template.name)} is archived`);
    const number = reference.version === 'latest' ? template.latestVersionNumber : reference.version;
    const version = await this.versions.findOneBy({ templateId: template.id, version: number });
    if (!version) throw new Error(`template ${JSON.stringify(template.name)} has no version ${number}`);
    return {
      templateId: template.id,
      templateName: template.name,
      version: number,
      definition: version.definition as unknown as Definition,
    };
  }

  /**
   * Refuses, before it is saved, a definition whose subflows do not resolve (unknown template, cycle)
   * or whose plan would be too large to run.
   */
  private async checkPlan(projectId: string, root: SubflowRoot): Promise<void> {
    if (subflowReferences(root.definition).length > 0) {
      await this.planWithSubflows(projectId, root);
      return;
    }
    let plan: ExecutionPlan;
    try {
      plan = compilePlan(root.definition, this.catalog);
    } catch {
      return; // validation, which already passed, is the judge of what compiles; a start reports it
    }
    this.checkPlanSize(plan);
  }

  // ---- reading ------------------------------------------------------------------------------

  /** A project's templates by name; active ones only unless `includeArchived`. */
  list(projectId: string, options: { search?: string | null; includeArchived?: boolean } = {}): Promise<Template[]> {
    const query = this.templates.createQueryBuilder('t').where('t.project_id = :projectId', { projectId });
    if (!options.includeArchived) query.andWhere('t.archived_at IS NULL');
    const search = options.search?.trim();
    if (search) {
      const pattern = `%${likeLiteral(search)}%`;
      query.andWhere(
        new Brackets((where) =>
          where.where('t.name ILIKE :pattern', { pattern }).orWhere('t.description ILIKE :pattern', { pattern }),
        ),
      );
    }
    return query.orderBy('t.name', 'ASC').addOrderBy('t.created_at', 'DESC').getMany();
  }

  /** @throws {NotFoundError} when there is no such template. */
  async findById(id: string): Promise<Template> {
    const template = await this.templates.findOneBy({ id });
    if (!template) throw new NotFoundError('Template', id);
    return template;
  }

  /** Every version of a template, newest first. */
  versionsOf(templateId: string): Promise<TemplateVersion[]> {
    return this.versions.find({ where: { templateId }, order: { version: 'DESC' } });
  }

  /** Version `version` of a template, or `null` when there is no such version. */
  versionOf(templateId: string, version: number): Promise<TemplateVersion | null> {
    return this.versions.findOneBy({ templateId, version });
  }

  /** The latest version of a template, or `null` when none was published. */
  latestVersionOf(template: Pick<Template, 'id' | 'latestVersionNumber'>): Promise<TemplateVersion | null> {
    return this.versions.findOneBy({ templateId: template.id, version: template.latestVersionNumber });
  }

  // ---- validation ---------------------------------------------------------------------------

  /**
   * Parses (for `source`) and validates a definition against the plugin catalog. Never throws for
   * a bad definition: its problems come back, each with its path.
   *
   * @throws {BadUserInputError} when the request gives both `definition` and `source`, or neither.
   */
  check(input: DefinitionSource): DefinitionCheck {
    const raw = this.rawDefinition(input);
    if ('problems' in raw) return { problems: raw.problems, warnings: [] };
    const result = validateDefinition(raw.value, this.catalog);
    if (!result.definition) return { problems: result.problems, warnings: result.warnings };
    const definition = result.definition as unknown as JsonObject;
    // PostgreSQL's jsonb cannot hold NUL characters; say so instead of failing at insert.
    if (JSON.stringify(definition).includes('\\u0000')) {
      const problem = { path: 'definition', message: 'must not contain the NUL character (\\u0000)' };
      return { problems: [problem], warnings: result.warnings };
    }
    return { definition, contentHash: contentHash(definition), problems: [], warnings: result.warnings };
  }

  private rawDefinition(input: DefinitionSource): { value: unknown } | { problems: Problem[] } {
    const hasDefinition = input.definition !== undefined && input.definition !== null;
    const hasSource = input.source !== undefined && input.source !== null;
    if (hasDefinition === hasSource) {
      const message = hasDefinition
        ? 'give either definition or source, not both'
        : 'give definition (a JSON object) or source (YAML or JSON text)';
      throw new BadUserInputError([{ path: 'definition', message }]);
    }
    if (hasDefinition) return { value: input.definition };
    const parsed = parseDefinitionText(input.source!);
    return parsed.problems.length > 0 ? { problems: parsed.problems } : { value: parsed.value };
  }

  /** {@link check}, throwing ALL problems as one {@link BadUserInputError}. */
  private valid(input: DefinitionSource): { definition: JsonObject; contentHash: string } {
    const checked = this.check(input);
    if (!checked.definition || !checked.contentHash) {
      const [first] = checked.problems;
      const message =
        checked.problems.length === 1
          ? `Invalid definition: ${first.path}: ${first.message}`
          : `Invalid definition (${checked.problems.length} problems)`;
      throw new BadUserInputError(checked.problems, message);
    }
    return { definition: checked.definition, contentHash: checked.contentHash };
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Creates a template with version 1.
   *
   * @throws {BadUserInputError} invalid definition (all problems) or name.
   * @throws {ConflictError} an active template of the project has that name.
   */
  async create(
    input: { projectId: string; name?: string | null; description?: string | null } & DefinitionSource,
    principal: Principal,
  ): Promise<Template> {
    const { definition, contentHash: hash } = this.valid(input);
    // A valid definition has a non-empty string name.
    const name = input.name ?? (typeof definition.name === 'string' ? definition.name.trim() : '');
    if (name.length > MAX_NAME_LENGTH) {
      throw new BadUserInputError([{ path: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters` }]);
    }
    await this.checkPlan(input.projectId, {
      templateName: name,
      definition: definition as unknown as Definition,
    });
    const definitionDescription = typeof definition.description === 'string' ? definition.description : null;
    const author = principalLabel(principal);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const template = await manager.save(
          manager.create(Template, {
            projectId: input.projectId,
            name,
            description: input.description ?? definitionDescription,
            latestVersionNumber: 1,
            createdBy: author,
            archivedAt: null,
          }),
        );
        await manager.save(versionRow({ templateId: template.id, version: 1, definition, contentHash: hash, author }));
        return template;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`A template named ${JSON.stringify(name)} exists in this project`);
      throw error;
    }
  }

  /**
   * Publishes version N+1 when the definition differs from the latest version's (same content
   * hash: no new version), and/or changes the description (`null` clears it).
   *
   * @throws {BadUserInputError} invalid definition (all problems), or nothing to change.
   * @throws {ConflictError} the template is archived.
   */
  async update(
    input: { id: string; description?: string | null } & DefinitionSource,
    principal: Principal,
  ): Promise<Template> {
    const publishes = input.definition != null || input.source != null;
    if (!publishes && input.description === undefined) {
      throw new BadUserInputError([{ path: 'definition', message: 'give definition, source or description' }]);
    }
    const checked = publishes ? this.valid(input) : undefined;
    if (checked) {
      const current = await this.findById(input.id);
      await this.checkPlan(current.projectId, {
        templateId: current.id,
        templateName: current.name,
        definition: checked.definition as unknown as Definition,
      });
    }
    return this.withTemplateLocked(input.id, async (manager, template) => {
      if (template.archivedAt) {
        throw new ConflictError(`Template ${JSON.stringify(template.name)} is archived: unarchive it first`);
      }
      const changes: Partial<Template> = {};
      if (input.description !== undefined && input.description !== template.description) {
        changes.description = input.description;
      }
      if (checked) {
        const latest = await manager.findOneBy(TemplateVersion, {
          templateId: template.id,
          version: template.latestVersionNumber,
        });
        if (latest?.contentHash !== checked.contentHash) {
          const version = template.latestVersionNumber + 1;
          await manager.save(
            versionRow({
              templateId: template.id,
              version,
              definition: checked.definition,
              contentHash: checked.contentHash,
              author: principalLabel(principal),
            }),
          );
          changes.latestVersionNumber = version;
        }
      }
      if (Object.keys(changes).length === 0) return template;
      await manager.update(Template, { id: template.id }, changes);
      return manager.findOneByOrFail(Template, { id: template.id });
    });
  }

  /**
   * Archives a template: it leaves the list, starts no new runs and frees its name; its versions
   * (and the runs pinned to them) stay.
   *
   * @throws {ConflictError} when it is already archived.
   */
  archive(id: string): Promise<Template> {
    return this.withTemplateLocked(id, async (manager, template) => {
      if (template.archivedAt) throw new ConflictError(`Template ${JSON.stringify(template.name)} is already archived`);
      await manager.update(Template, { id }, { archivedAt: () => 'now()' });
      return manager.findOneByOrFail(Template, { id });
    });
  }

  /**
   * Makes an archived template active again.
   *
   * @throws {ConflictError} when it is not archived, or an active template has taken its name.
   */
  async unarchive(id: string): Promise<Template> {
    try {
      return await this.withTemplateLocked(id, async (manager, template) => {
        if (!template.archivedAt) throw new ConflictError(`Template ${JSON.stringify(template.name)} is not archived`);
        await manager.update(Template, { id }, { archivedAt: null });
        return manager.findOneByOrFail(Template, { id });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('An active template of this project has its name: rename or archive that one first');
      }
      throw error;
    }
  }

  /** Runs `work` in a transaction holding the template's row lock (versions are numbered under it). */
  private withTemplateLocked<T>(
    id: string,
    work: (manager: EntityManager, template: Template) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const template = await manager.findOne(Template, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!template) throw new NotFoundError('Template', id);
      return work(manager, template);
    });
  }
}
