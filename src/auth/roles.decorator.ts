import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse } from '@nestjs/swagger';
import { problemContent } from '../common/api-problems.decorator';
import { ROLES, type Role } from './api-client.entity';

export const ACCESS_METADATA = 'atm:access';
export const BEARER_SCHEME = 'bearer';

/**
 * What an atm client may do on a route: `any` (a balance: the customer is at
 * the ATM), `own-machine` (only on the path of the machine it is bound to).
 */
export type AtmAccess = 'any' | 'own-machine';

export interface RouteAccess {
  readonly public?: boolean;
  readonly roles: readonly Exclude<Role, 'atm'>[];
  readonly atm?: AtmAccess;
}

/** A route without @Roles or @Public is admin-only: a route added later is never open by mistake. */
export const DEFAULT_ACCESS: RouteAccess = { roles: ['admin'] };

/**
 * The roles that may call a route (API.md v1.2, the role table), checked
 * before the body is even read; documented as `x-roles`, bearer security,
 * 401 and 403.
 */
export function Roles(roles: Exclude<Role, 'atm'>[], atm?: AtmAccess): MethodDecorator & ClassDecorator {
  const access: RouteAccess = { roles, atm };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-roles', atm ? [...roles, 'atm'] : [...roles]),
    ApiResponse({
      status: 401,
      description: 'Problem details; code: UNAUTHENTICATED (no key, or an unknown, malformed or revoked one)',
      headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string', example: 'Bearer' } } },
      content: problemContent(['UNAUTHENTICATED']),
    }),
    ApiResponse({
      status: 403,
      description: `Problem details; code: FORBIDDEN (this client's role may not use this route${atm === 'own-machine' ? ', or an atm key on another machine' : ''})`,
      content: problemContent(['FORBIDDEN']),
    }),
  );
}

/** A route anyone may call without a key (health probes): no security in the OpenAPI document. */
export function Public(): MethodDecorator & ClassDecorator {
  const access: RouteAccess = { public: true, roles: [] };
  return applyDecorators(SetMetadata(ACCESS_METADATA, access), ApiExtension('x-roles', [...ROLES]));
}
