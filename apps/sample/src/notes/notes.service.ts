import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { Note } from './note.entity.js';

/** Injection token of the app's own DataSource (alias "default"). */
export const APP_DATA_SOURCE = Symbol('APP_DATA_SOURCE');

/** Notes live in the app's database; owners are Django users of the shared database. */
@Injectable()
export class NotesService {
  private readonly notes: Repository<Note>;

  constructor(@Inject(APP_DATA_SOURCE) dataSource: DataSource) {
    this.notes = dataSource.getRepository(Note);
  }

  listFor(ownerId: string): Promise<Note[]> {
    return this.notes.find({ where: { ownerId }, order: { id: 'ASC' } });
  }

  create(ownerId: string, text: string): Promise<Note> {
    return this.notes.save({ ownerId, text, createdAt: new Date() });
  }

  /** Deletes the owner's note; false when there is no such note of theirs. */
  async delete(ownerId: string, id: number): Promise<boolean> {
    const result = await this.notes.delete({ id, ownerId });
    return (result.affected ?? 0) > 0;
  }
}
