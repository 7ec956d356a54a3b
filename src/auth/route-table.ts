import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { match, MatchFunction } from 'path-to-regexp';
import { ACCESS_METADATA, DEFAULT_ACCESS, RouteAccess } from './roles.decorator';

type Params = Partial<Record<string, string | string[]>>;

interface Route {
  readonly method: string;
  readonly path: string;
  readonly match: MatchFunction<Params>;
  readonly access: RouteAccess;
}

export interface MatchedRoute {
  readonly path: string;
  readonly access: RouteAccess;
  /** Path parameters, decoded as Nest decodes them; null when the encoding is broken (Nest answers 400). */
  readonly params: Params | null;
}

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Every route of the app with the access its @Roles / @Public declares, read
 * once from the controllers at boot. The authentication middleware runs in
 * front of Nest's router (before the body is read), so it matches paths the
 * way Express does: case-insensitive, a trailing slash allowed, HEAD as GET.
 */
export class RouteTable {
  private readonly byMethod = new Map<string, Route[]>();

  constructor(discovery: DiscoveryService, reflector: Reflector) {
    for (const wrapper of discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined].flat();
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (method === undefined || paths === undefined) continue;
        const access = reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [handler, controller]) ?? DEFAULT_ACCESS;
        for (const base of bases) for (const path of [paths].flat()) this.add(RequestMethod[method], joinPath(base ?? '', path), access);
      }
    }
  }

  /** The route this request reaches, or null (Nest will answer 404 or 405). */
  find(method: string, path: string): MatchedRoute | null {
    const routes = [...(this.byMethod.get(method === 'HEAD' ? 'GET' : method) ?? []), ...(this.byMethod.get('ALL') ?? [])];
    for (const route of routes) {
      let result: ReturnType<MatchFunction<Params>>;
      try {
        result = route.match(path);
      } catch {
        return { path: route.path, access: route.access, params: null };
      }
      if (result) return { path: route.path, access: route.access, params: result.params };
    }
    return null;
  }

  private add(method: string, path: string, access: RouteAccess): void {
    const routes = this.byMethod.get(method) ?? [];
    // In discovery order, which is Nest's registration order: the first match wins, as in Express.
    routes.push({ method, path, match: match<Params>(path, { sensitive: false, trailing: true }), access });
    this.byMethod.set(method, routes);
  }
}
