/**
 * A session engine for tests: MemorySessionBackend's db semantics, every call recorded with its
 * arguments (copies, as a store would receive them), and failures injected per operation.
 */
import { MemorySessionBackend, type SessionBackend, type SessionDict, type SessionExpiry } from '@django-bridge/core';

export type SessionOperation = 'load' | 'exists' | 'create' | 'update' | 'delete' | 'clearExpired';

export interface RecordedCall {
  op: SessionOperation;
  key?: string;
  session?: SessionDict;
  expiry?: SessionExpiry;
  /** When the call was made (ms). */
  at: number;
}

export class RecordingSessionBackend implements SessionBackend {
  readonly calls: RecordedCall[] = [];
  /** What the next calls of an operation throw, until cleared. */
  readonly failures = new Map<SessionOperation, () => unknown>();

  constructor(readonly inner = new MemorySessionBackend()) {}

  /** The recorded calls of one operation. */
  of(op: SessionOperation): RecordedCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** A live row's data, read past the recording. */
  async row(key: string): Promise<SessionDict | null> {
    return this.inner.load(key);
  }

  private record(op: SessionOperation, call: Omit<RecordedCall, 'op' | 'at'> = {}): void {
    this.calls.push({ op, at: Date.now(), ...call, session: call.session && structuredClone(call.session) });
    const failure = this.failures.get(op);
    if (failure) throw failure();
  }

  async load(key: string): Promise<SessionDict | null> {
    this.record('load', { key });
    return this.inner.load(key);
  }

  async exists(key: string): Promise<boolean> {
    this.record('exists', { key });
    return this.inner.exists(key);
  }

  async create(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    this.record('create', { key, session, expiry });
    return this.inner.create(key, session, expiry);
  }

  async update(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    this.record('update', { key, session, expiry });
    return this.inner.update(key, session, expiry);
  }

  async delete(key: string): Promise<void> {
    this.record('delete', { key });
    return this.inner.delete(key);
  }

  async clearExpired(): Promise<number> {
    this.record('clearExpired');
    return this.inner.clearExpired();
  }
}
