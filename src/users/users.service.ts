import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ConflictError } from '../common/errors/app-errors';
import { hashPassword, verifyPassword } from './password';
import { User } from './user.entity';

/** Users and their passwords. Usernames are unique and lowercase. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** @throws {ConflictError} when the username is taken. */
  async create(input: { username: string; password: string; isAdmin?: boolean }): Promise<User> {
    const user = this.users.create({
      username: input.username.toLowerCase(),
      passwordHash: await hashPassword(input.password),
      isAdmin: input.isAdmin ?? false,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ConflictError(`Username ${JSON.stringify(user.username)} is taken`);
      }
      throw error;
    }
  }

  /**
   * Creates the user unless one with that username exists (concurrent starts race safely).
   *
   * @returns true when this call created it.
   */
  async createIfAbsent(input: { username: string; password: string; isAdmin: boolean }): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({ username: input.username, passwordHash: await hashPassword(input.password), isAdmin: input.isAdmin })
      .orIgnore()
      .execute();
    // RETURNING yields the new row, or nothing when ON CONFLICT DO NOTHING skipped the insert.
    return (result.raw as unknown[]).length > 0;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ username: username.toLowerCase() });
  }

  list(): Promise<User[]> {
    return this.users.find({ order: { username: 'ASC' } });
  }

  /** The user if `password` is theirs; null otherwise (same timing for unknown users). */
  async checkPassword(username: string, password: string): Promise<User | null> {
    const user = await this.findByUsername(username);
    const ok = await verifyPassword(user?.passwordHash, password);
    return ok ? user : null;
  }
}
