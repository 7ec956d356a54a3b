import { ApiProperty } from '@nestjs/swagger';
import { ApiClient, ROLES, type Role } from '../auth/api-client.entity';

/** A client as every response shows it: never its key, never the key's hash. */
export class ClientView {
  @ApiProperty({ example: 'cl_4f1c9a2e0d4b4c1e' }) id: string;
  @ApiProperty({ example: 'Teller desk 3' }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The machine of an atm client; null otherwise' })
  machine_id: string | null;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) created_at: string;
  @ApiProperty({ type: String, nullable: true, example: null }) revoked_at: string | null;
}

/** The one response that shows a key: the one that made it (create, rotate). */
export class ClientWithKeyView extends ClientView {
  @ApiProperty({ example: 'atmk_Zx3b…', description: 'Shown once: store it now, it cannot be read again' })
  api_key: string;
}

export class ClientPageView {
  @ApiProperty({ type: [ClientView] }) items: ClientView[];
  @ApiProperty({ type: String, nullable: true }) next_cursor: string | null;
}

export function toClientView(client: ApiClient): ClientView {
  return {
    id: client.id,
    name: client.name,
    role: client.role,
    machine_id: client.machineId,
    created_at: client.createdAt,
    revoked_at: client.revokedAt,
  };
}
