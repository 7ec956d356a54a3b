import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { Observable, throwError } from 'rxjs';
import { validationError } from './domain-error';

/** A route's query: a DTO (the validation pipe refuses unknown fields), or the names it reads one by one. */
type QueryShape = 'dto' | ReadonlySet<string>;

/**
 * Unknown query parameters are 400 on every route (API.md, "Strict input"):
 * a client that sends `?amount=5` to a route reading the body, or misspells
 * `limit`, learns it instead of being silently ignored. Routes taking a
 * `@Query()` DTO are checked by the validation pipe (forbidNonWhitelisted);
 * this covers the others. An interceptor, so it runs after authentication
 * and authorization (401/403 come first); registered in AppModule so it runs
 * before the idempotency interceptor opens a transaction.
 */
@Injectable()
export class StrictQueryInterceptor implements NestInterceptor {
  private readonly shapes = new WeakMap<object, QueryShape>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const query = context.switchToHttp().getRequest<Request>().query as Record<string, unknown>;
    const names = Object.keys(query);
    if (names.length === 0) return next.handle();
    const shape = this.shapeOf(context);
    const unknown = shape === 'dto' ? undefined : names.find((name) => !shape.has(name));
    if (unknown !== undefined) return throwError(() => validationError(unknown, 'is not a query parameter of this route'));
    return next.handle();
  }

  private shapeOf(context: ExecutionContext): QueryShape {
    const handler = context.getHandler();
    let shape = this.shapes.get(handler);
    if (!shape) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { data?: unknown }>;
      const queries = Object.entries(args).filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      shape = queries.some(([, arg]) => arg.data === undefined) ? 'dto' : new Set(queries.map(([, arg]) => String(arg.data)));
      this.shapes.set(handler, shape);
    }
    return shape;
  }
}
