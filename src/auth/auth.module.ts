import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiClient } from './api-client.entity';
import { ClientKeysStore } from './client-keys.store';
import { KeyVerifier } from './key-verifier';

/** Who is calling: key verification (cached) and the route table's role checks (see authenticate.middleware.ts). */
@Module({
  imports: [TypeOrmModule.forFeature([ApiClient]), DiscoveryModule],
  providers: [ClientKeysStore, KeyVerifier],
  exports: [KeyVerifier],
})
export class AuthModule {}
