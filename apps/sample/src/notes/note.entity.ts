import { EntitySchema } from 'typeorm';

/** A note in the app's own database; `ownerId` is a Django user's id (no cross-database key, as Django forbids). */
export interface Note {
  id: number;
  ownerId: string;
  text: string;
  createdAt: Date;
}

export const Note = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'sample_note',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    ownerId: { name: 'owner_id', type: String, length: 64 },
    text: { type: 'text' },
    createdAt: { name: 'created_at', type: 'varchar', length: 32 ,
      transformer: { to: (d: Date) => d.toISOString(), from: (s: string) => new Date(s) } },
  },
  indices: [{ name: 'sample_note_owner_id', columns: ['ownerId'] }],
});
