// The operator's command for API clients, on the same database and settings
// (.env, DB_TYPE, DATABASE_URL, SQLITE_PATH) as the server:
//   npm run clients -- create --role admin --name ops [--machine atm-001]
//   npm run clients -- list
//   npm run clients -- revoke <client id>
// `npm run clients:dist -- …` runs the compiled copy (the production image).
// A new key is printed once, on stdout; it is stored only as its hash.
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../auth/api-client.entity';
import { ClientView } from './client.view';
import { ClientsService } from './clients.service';

const USAGE = `usage: clients create --role <${ROLES.join('|')}> --name <name> [--machine <machine id>]
       clients list
       clients revoke <client id>`;

type Command = (clients: ClientsService, args: string[]) => Promise<string>;

const row = (c: ClientView) => [c.id, c.role, c.machine_id ?? '-', c.revoked_at ? `revoked ${c.revoked_at}` : 'active', c.name].join('\t');

const COMMANDS: Record<string, Command> = {
  create: async (clients, args) => {
    const { values } = parseArgs({ args, options: { role: { type: 'string' }, name: { type: 'string' }, machine: { type: 'string' } } });
    if (!values.role || !(ROLES as readonly string[]).includes(values.role) || !values.name) throw new Error(USAGE);
    const made = await clients.create({ name: values.name, role: values.role as Role, machineId: values.machine });
    return `${row(made)}\napi_key: ${made.api_key}\n(shown once: store it now)`;
  },
  list: async (clients) => {
    const lines: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await clients.list(200, cursor);
      lines.push(...page.items.map(row));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return lines.join('\n') || '(no clients)';
  },
  revoke: async (clients, args) => {
    if (args.length !== 1) throw new Error(USAGE);
    return row(await clients.revoke(args[0]));
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = COMMANDS[name ?? ''];
  if (!command) throw new Error(USAGE);
  // Quiet unless asked: the output is the command's answer, not the server's log.
  process.env.LOG_LEVEL ??= 'warn';
  // Loaded only now, so LOG_LEVEL above is what the app's config reads.
  const { AppModule } = await import('../app.module');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    process.stdout.write(`${await command(app.get(ClientsService), args)}\n`);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const detail = (error as { detail?: string }).detail;
  process.stderr.write(`${detail ?? (error as Error).message}\n`);
  process.exit(1);
});
