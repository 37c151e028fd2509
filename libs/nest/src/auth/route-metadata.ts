import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/** A boolean route flag (@Public, @StaffOnly, ...), the handler's overriding the class's. */
export function routeFlag(reflector: Reflector, context: ExecutionContext, key: string): boolean {
  return reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
}

/** A list set on the class and on the handler (@RequirePermissions, @RequireGroups): both apply. */
export function routeList(reflector: Reflector, context: ExecutionContext, key: string): string[] {
  return [...(reflector.get<string[]>(key, context.getClass()) ?? []), ...(reflector.get<string[]>(key, context.getHandler()) ?? [])];
}
