import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { bearerKey, hashApiKey, sameHash } from './api-key';
import { ClientKeysStore } from './client-keys.store';
import { BOOTSTRAP, Principal } from './principal';

/**
 * How long a verified key is believed without asking the database. API.md:
 * a revoked or rotated-away key is refused on every instance within 5 s; 4 s
 * leaves a margin for the lookup that filled the entry.
 */
export const KEY_CACHE_TTL_MS = 4000;
/** Bounded: a flood of distinct keys cannot grow the process. */
const KEY_CACHE_MAX = 10_000;

interface Cached {
  principal: Principal;
  until: number;
}

/**
 * Turns an `Authorization` header into the client it names, or null. Only
 * verified keys are cached (by hash, never the key), so a hit costs one
 * SHA-256 and a map lookup; concurrent misses for one key share one lookup.
 */
@Injectable()
export class KeyVerifier {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<Principal | null>>();
  private readonly bootstrapHash: string | null;

  constructor(
    private readonly store: ClientKeysStore,
    config: AppConfig,
  ) {
    this.bootstrapHash = config.adminApiKey ? hashApiKey(config.adminApiKey) : null;
  }

  /** The header's client, or null when the header names no active client. */
  verify(authorization: string | undefined): Promise<Principal | null> | Principal | null {
    const key = bearerKey(authorization);
    if (key === null) return null;
    const hash = hashApiKey(key);
    if (this.bootstrapHash !== null && sameHash(hash, this.bootstrapHash)) return BOOTSTRAP;
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    return this.lookUp(hash);
  }

  /** This instance stops believing every key of this client at once (rotate, revoke). */
  forget(clientId: string): void {
    for (const [hash, entry] of this.cache) if (entry.principal.id === clientId) this.cache.delete(hash);
  }

  private lookUp(hash: string): Promise<Principal | null> {
    let lookup = this.pending.get(hash);
    if (!lookup) {
      const started = Date.now();
      lookup = this.store.findActive(hash).then((principal) => {
        if (principal) this.remember(hash, principal, started + KEY_CACHE_TTL_MS);
        return principal;
      });
      this.pending.set(hash, lookup);
      void lookup.finally(() => this.pending.delete(hash)).catch(() => undefined);
    }
    return lookup;
  }

  private remember(hash: string, principal: Principal, until: number): void {
    this.cache.delete(hash);
    if (this.cache.size >= KEY_CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, { principal, until });
  }
}
