import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createUserEntities } from '../entities/django-entities.js';
import { resolveBridgeOptions } from '../django-bridge.options.js';
import { TypeOrmUserStore } from './typeorm-user.store.js';
import { resolveUserModel } from './user-model.js';

describe('userModel', () => {
  it('keeps the app label and model name of "my_app.Member" however often it is resolved', () => {
    const once = resolveUserModel({ model: 'my_app.Member', table: 'my_app_member' });
    expect(once).toMatchObject({ appLabel: 'my_app', modelName: 'member', table: 'my_app_member', groupsTable: 'my_app_member_groups', m2mColumn: 'member_id' });
    expect(resolveUserModel(once)).toBe(once);
    expect(resolveUserModel(resolveUserModel(once))).toEqual(once);
  });
  it('resolves once through the module options and the user store', () => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    const options = resolveBridgeOptions({ secretKey: 'k', dataSource, userModel: { model: 'my_app.Member', table: 'my_app_member' } });
    const store = new TypeOrmUserStore(dataSource, { userModel: options.userModel });
    expect(store.model).toBe(options.userModel);
    expect(store.model).toMatchObject({ appLabel: 'my_app', modelName: 'member' });
  });
  it('names the join column after the model, not the table (people.Person in table people)', () => {
    expect(resolveUserModel({ model: 'people.Person', table: 'people' })).toMatchObject({ table: 'people', groupsTable: 'people_groups', permissionsTable: 'people_user_permissions', m2mColumn: 'person_id' });
    const { groups, permissions } = createUserEntities({ model: 'people.Person', table: 'people' });
    expect(Object.keys(groups.options.columns)).toContain('person_id');
    expect(Object.keys(permissions.options.columns)).toContain('person_id');
  });
  it('derives the table from the model as Django does when no table is given', () => {
    expect(resolveUserModel({ model: 'accounts.Member' })).toMatchObject({ table: 'accounts_member', m2mColumn: 'member_id', appLabel: 'accounts' });
    expect(resolveUserModel({ model: 'auth.User' })).toMatchObject({ table: 'auth_user', m2mColumn: 'user_id', extraColumns: ['first_name', 'last_name', 'email', 'date_joined'] });
  });
  it('guesses <app_label>_<model_name> from the table without a model', () => {
    expect(resolveUserModel()).toMatchObject({ appLabel: 'auth', modelName: 'user', m2mColumn: 'user_id' });
    expect(resolveUserModel({ table: 'accounts_member' })).toMatchObject({ appLabel: 'accounts', modelName: 'member', m2mColumn: 'member_id' });
  });
  it('keeps an explicit m2mColumn', () => {
    expect(resolveUserModel({ model: 'people.Person', table: 'people', m2mColumn: 'owner_id' }).m2mColumn).toBe('owner_id');
  });
  it.each(['accounts.Group', 'accounts.Permission'])('refuses a user model named like the other side of a join (%s: from_/to_ columns)', (model) => {
    expect(() => resolveUserModel({ model })).toThrow(/from_\/to_ join columns/);
  });
});
