import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import { guardPgClientErrors } from './pg-client-errors.js';

describe('guardPgClientErrors', () => {
  it("gives every new pool client an 'error' listener before the pool hands it over, once per pool", () => {
    const master = new EventEmitter();
    const replica = new EventEmitter();
    const dataSource = { driver: { master, slaves: [replica] } } as unknown as DataSource;
    guardPgClientErrors(dataSource);
    guardPgClientErrors(dataSource);
    expect([master.listenerCount('connect'), replica.listenerCount('connect')]).toEqual([1, 1]);
    const client = new EventEmitter();
    master.emit('connect', client);
    // Without a listener this emit would throw and, from a socket callback, end the process.
    expect(() => client.emit('error', new Error('terminating connection due to unexpected postmaster exit'))).not.toThrow();
  });

  it('leaves drivers without pools alone', () => {
    expect(() => guardPgClientErrors({ driver: {} } as unknown as DataSource)).not.toThrow();
  });
});
