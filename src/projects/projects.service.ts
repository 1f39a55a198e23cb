import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { AccessCache } from '../common/auth/access-cache';
import type { Principal } from '../common/auth/principal';
import { ProjectRole } from '../common/auth/roles';
import { ConflictError, NotFoundError } from '../common/errors/app-errors';
import { UsersService } from '../users/users.service';
import { Membership } from './membership.entity';
import { Project } from './project.entity';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

/** Projects and their members. A project always keeps at least one owner once it has one. */
@Injectable()
export class ProjectsService {
  constructor(
    @InjectRepository(Project) private readonly projects: Repository<Project>,
    @InjectRepository(Membership) private readonly memberships: Repository<Membership>,
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
    private readonly accessCache: AccessCache,
  ) {}

  /** @throws {ConflictError} when the name is taken. */
  async create(input: { name: string; description?: string | null }): Promise<Project> {
    try {
      return await this.projects.save(
        this.projects.create({ name: input.name, description: input.description ?? null }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`A project named ${JSON.stringify(input.name)} exists`);
      throw error;
    }
  }

  /** Projects the principal has a role in (all of them for admins; its own for an API token). */
  listVisible(principal: Principal): Promise<Project[]> {
    if (principal.kind === 'apiToken') return this.projects.findBy({ id: principal.projectId });
    if (principal.isAdmin) return this.projects.find({ order: { name: 'ASC' } });
    return this.projects
      .createQueryBuilder('p')
      .innerJoin(Membership, 'm', 'm.project_id = p.id AND m.user_id = :userId', { userId: principal.userId })
      .orderBy('p.name', 'ASC')
      .getMany();
  }

  async findById(id: string): Promise<Project> {
    const project = await this.projects.findOneBy({ id });
    if (!project) throw new NotFoundError('Project', id);
    return project;
  }

  members(projectId: string): Promise<Membership[]> {
    return this.memberships.find({
      where: { projectId },
      relations: { user: true },
      order: { user: { username: 'ASC' } },
    });
  }

  /** @throws {NotFoundError} unknown user; {@link ConflictError} already a member. */
  async addMember(projectId: string, username: string, role: ProjectRole): Promise<Membership> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new NotFoundError('User', username);
    try {
      const saved = await this.memberships.save(this.memberships.create({ projectId, userId: user.id, role }));
      this.accessCache.invalidate();
      return { ...saved, user };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`${user.username} is already a member; use changeMember`);
      throw error;
    }
  }

  /** @throws {ConflictError} when it would leave the project without an owner. */
  changeMember(projectId: string, username: string, role: ProjectRole): Promise<Membership> {
    return this.withOwnersLocked(projectId, async (manager) => {
      const membership = await this.membershipOf(manager, projectId, username);
      if (membership.role === ProjectRole.OWNER && role !== ProjectRole.OWNER) {
        await this.assertAnotherOwner(manager, projectId);
      }
      membership.role = role;
      await manager.update(Membership, { id: membership.id }, { role });
      return membership;
    });
  }

  /** @throws {ConflictError} when it would leave the project without an owner. */
  removeMember(projectId: string, username: string): Promise<Membership> {
    return this.withOwnersLocked(projectId, async (manager) => {
      const membership = await this.membershipOf(manager, projectId, username);
      if (membership.role === ProjectRole.OWNER) await this.assertAnotherOwner(manager, projectId);
      await manager.delete(Membership, { id: membership.id });
      return membership;
    });
  }

  /**
   * Serializes owner changes of one project: the "last owner" check cannot race. Once committed,
   * the roles cached by access control are forgotten.
   */
  private async withOwnersLocked<T>(projectId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      const locked: unknown[] = await manager.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      if (locked.length === 0) throw new NotFoundError('Project', projectId);
      return work(manager);
    });
    this.accessCache.invalidate();
    return result;
  }

  private async membershipOf(manager: EntityManager, projectId: string, username: string): Promise<Membership> {
    const membership = await manager.findOne(Membership, {
      where: { projectId, user: { username: username.toLowerCase() } },
      relations: { user: true },
    });
    if (!membership) throw new NotFoundError('Member', username);
    return membership;
  }

  private async assertAnotherOwner(manager: EntityManager, projectId: string): Promise<void> {
    const owners = await manager.count(Membership, { where: { projectId, role: ProjectRole.OWNER } });
    if (owners <= 1) throw new ConflictError('A project keeps at least one owner: make someone else owner first');
  }
}
