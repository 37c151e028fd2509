import { BadRequestException, Body, Controller, Delete, Get, HttpCode, HttpException, Logger, NotFoundException, Param, ParseIntPipe, Post, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { CurrentUser, DjangoCsrfGuard, DjangoSessionGuard, RequirePermissions, type DjangoUser } from '@django-bridge/nest';
import type { Note } from './note.entity.js';
import { NotesService } from './notes.service.js';

export interface NoteView {
  id: number;
  text: string;
  createdAt: string;
}

const logger = new Logger('Notes');

/** The app's database failing is a 503 with a log line, never a 500 or a trace in the response. */
async function appDatabase<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof HttpException) throw err;
    logger.error(`App database query failed: ${(err as Error).message}`);
    throw new ServiceUnavailableException('The notes database is unavailable; try again later.');
  }
}

/** Ids are positive 32-bit integers (an AutoField); anything else names no note. */
const MAX_ID = 2_147_483_647;

const view = (note: Note): NoteView => ({ id: note.id, text: note.text, createdAt: note.createdAt.toISOString() });

/**
 * App data behind Django permissions: the user and `notes.add_note` / `notes.delete_note` come
 * from the shared Django tables, the notes from the app's own database.
 */
@Controller('api/notes')
@UseGuards(DjangoSessionGuard, DjangoCsrfGuard)
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  async list(@CurrentUser() user: DjangoUser): Promise<NoteView[]> {
    return (await appDatabase(() => this.notes.listFor(String(user.id)))).map(view);
  }

  @Post()
  @RequirePermissions('notes.add_note')
  async create(@CurrentUser() user: DjangoUser, @Body() body: unknown): Promise<NoteView> {
    const text = (body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > 10_000) throw new BadRequestException('Send JSON {"text": "..."} with 1 to 10000 characters.');
    return view(await appDatabase(() => this.notes.create(String(user.id), text)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('notes.delete_note')
  async remove(@CurrentUser() user: DjangoUser, @Param('id', ParseIntPipe) id: number): Promise<void> {
    if (id < 1 || id > MAX_ID || !(await appDatabase(() => this.notes.delete(String(user.id), id)))) throw new NotFoundException('No such note.');
  }
}
