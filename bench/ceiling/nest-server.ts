// A reference Nest app with no database and no application code: one
// controller answering POST /accounts/:n/withdraw, the app's ValidationPipe
// settings on a one-field DTO, one global pass-through interceptor (as the
// idempotency interceptor sits on every route), Express set up as
// src/app.setup.ts sets it (express.json, no ETag, no X-Powered-By).
// `node -r ts-node/register/transpile-only bench/ceiling/nest-server.ts <port> [full|bare|pipe|interceptor|fastbind]`
// `bare`: Nest's router alone; `pipe` / `interceptor`: only that one added;
// `fastbind`: full, with the app's replacement for Node 20's AsyncResource.bind.
import {
  Body,
  CallHandler,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Module,
  NestInterceptor,
  Param,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IsString, Matches } from 'class-validator';
import express from 'express';
import { Observable } from 'rxjs';
import { installFastAsyncResourceBind } from '../../src/common/async-resource-bind';

const [port, mode = 'full'] = process.argv.slice(2);
const withPipe = mode === 'full' || mode === 'fastbind' || mode === 'pipe';
const withInterceptor = mode === 'full' || mode === 'fastbind' || mode === 'interceptor';
if (mode === 'fastbind') installFastAsyncResourceBind();

class AmountDto {
  @IsString()
  @Matches(/^\d+(\.\d{1,2})?$/)
  amount: string;
}

@Controller('accounts')
class WithdrawController {
  @Post(':n/withdraw')
  @HttpCode(200)
  withdraw(@Param('n') n: string, @Body() body: AmountDto) {
    return { account_number: n, balance: '999999.99', amount: body.amount, transaction_id: '123456' };
  }
}

@Injectable()
class PassThrough implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

@Module({
  controllers: [WithdrawController],
  providers: [
    ...(withPipe
      ? [
          {
            provide: APP_PIPE,
            useFactory: () =>
              new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
          },
        ]
      : []),
    ...(withInterceptor ? [{ provide: APP_INTERCEPTOR, useClass: PassThrough }] : []),
  ],
})
class ReferenceModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(ReferenceModule, { bodyParser: false, logger: ['error'] });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  await app.listen(Number(port), '127.0.0.1');
}

void main();
