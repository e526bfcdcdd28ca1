import { resolve } from 'node:path';
import { ROLES, userCreateSchema, type Role } from '../../../protocol';
import { createAuthService, type AuthService } from '../../auth/auth-service';
import { loadJwtSecret } from '../../auth/bootstrap';
import { hashPassword } from '../../auth/passwords';
import { createTokenIssuer } from '../../auth/tokens';
import { UserExistsError } from '../../auth/user-store';
import { systemClock } from '../../pipeline/clock';
import { openDatabase } from '../../store/database';
import { SqliteUserStore } from '../../store/sqlite-user-store';
import { CliError, EXIT, parseCommandArgs, parseDuration, type Command } from '../cli-kit';

const help = `
Usage: gridpulse user <add|list|passwd|disable|enable|remove|token> [<name>] [options]

Manages the users of the server whose data lives in DATA_DIR (default ./.data); works while it runs.

  user add <name> --password <p> --role wall|leader|duty|admin [--area <code>] [--display-name <s>]
  user list
  user passwd <name> --password <p>
  user disable <name>        (its tokens stop working at the next connection)
  user enable <name>
  user remove <name>
  user token <name> [--ttl 30d]
                             prints a token for the user, e.g. for a wall screen: /wall?token=<token>
                             (signed with GRIDPULSE_JWT_SECRET, or the secret in DATA_DIR)

Options:
  --password <p>             at least 8 characters (or set GRIDPULSE_USER_PASSWORD instead, to keep it out of
                             the shell history)
  --role <role>              wall (read only), leader (read, own area), duty (act on alerts), admin
  --area <code>              jurisdiction: an area code (e.g. 330106007001) or * for everything (default *)
  --display-name <s>         name shown on screens
  --ttl <duration>           token lifetime, e.g. 12h, 30d (default 30d)
  -h, --help                 this help

Roles and jurisdiction: README "Users and access". Exit code 2 on a usage error, 3 when the input is refused.

Examples:
  gridpulse user add wang --password 'S3cret-pass' --role leader --area 330106007001
  gridpulse user token wall-1 --ttl 90d
`;

function need(name: string | undefined, what: string): string {
  if (!name) throw new CliError(`user ${what}: a user name is required\nRun \`gridpulse user --help\` for usage.`, EXIT.usage);
  return name;
}

export const command: Command = {
  name: 'user',
  summary: 'add, list, change or remove users; print a wall token',
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      password: { type: 'string' },
      role: { type: 'string' },
      area: { type: 'string' },
      'display-name': { type: 'string' },
      ttl: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const [action, name] = args.positionals;
    const password = args.values.password ?? process.env.GRIDPULSE_USER_PASSWORD;
    const dataDir = resolve(process.env.DATA_DIR ?? './.data');
    const db = openDatabase(dataDir);
    try {
      const users = new SqliteUserStore(db);
      const auth: AuthService = createAuthService({
        users,
        tokens: createTokenIssuer(loadJwtSecret(process.env.GRIDPULSE_JWT_SECRET, dataDir), 60 * 60_000),
        clock: systemClock,
        anonymous: false,
      });
      switch (action) {
        case 'add': {
          const parsed = userCreateSchema.safeParse({
            name: need(name, 'add'),
            password,
            role: args.values.role,
            area: args.values.area,
            displayName: args.values['display-name'],
          });
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            const field = String(issue.path[0] ?? '');
            const hint = field === 'role' ? ` (one of ${ROLES.join(', ')})` : '';
            throw new CliError(`user add: --${field === 'displayName' ? 'display-name' : field}: ${issue.message}${hint}`, EXIT.badInput);
          }
          try {
            await auth.addUser(parsed.data);
          } catch (err) {
            if (err instanceof UserExistsError) throw new CliError(`user add: ${err.message}`, EXIT.badInput);
            throw err;
          }
          process.stdout.write(`added ${parsed.data.name} (${parsed.data.role}, area ${parsed.data.area})\n`);
          return EXIT.ok;
        }
        case 'list': {
          for (const u of await users.list()) {
            process.stdout.write(`${u.name.padEnd(20)} ${u.role.padEnd(7)} ${u.area.padEnd(16)} ${u.disabled ? 'disabled' : 'active  '} ${u.displayName ?? ''}\n`);
          }
          return EXIT.ok;
        }
        case 'passwd': {
          const parsed = userCreateSchema.shape.password.safeParse(password);
          if (!parsed.success) throw new CliError(`user passwd: --password: ${parsed.error.issues[0]!.message}`, EXIT.badInput);
          if (!(await users.update(need(name, 'passwd'), { passwordHash: await hashPassword(parsed.data) }))) throw new CliError(`user passwd: no user named "${name}"`, EXIT.badInput);
          process.stdout.write(`password of ${name} changed\n`);
          return EXIT.ok;
        }
        case 'disable':
        case 'enable': {
          if (!(await users.update(need(name, action), { disabled: action === 'disable' }))) throw new CliError(`user ${action}: no user named "${name}"`, EXIT.badInput);
          process.stdout.write(`${name} ${action}d\n`);
          return EXIT.ok;
        }
        case 'remove': {
          if (!(await users.remove(need(name, 'remove')))) throw new CliError(`user remove: no user named "${name}"`, EXIT.badInput);
          process.stdout.write(`${name} removed\n`);
          return EXIT.ok;
        }
        case 'token': {
          const user = await users.get(need(name, 'token'));
          if (!user || user.disabled) throw new CliError(`user token: no enabled user named "${name}"`, EXIT.badInput);
          const ttl = parseDuration(args.values.ttl ?? '30d', '--ttl');
          const { token, expiresAt } = await auth.issue({ name: user.name, role: user.role as Role, area: user.area }, ttl);
          process.stdout.write(`${token}\n`);
          process.stderr.write(`valid until ${new Date(expiresAt).toISOString()} for ${user.name} (${user.role}, area ${user.area})\n`);
          return EXIT.ok;
        }
        default:
          throw new CliError(`user: unknown action "${action ?? ''}"; one of add, list, passwd, disable, enable, remove, token\nRun \`gridpulse user --help\` for usage.`, EXIT.usage);
      }
    } finally {
      db.close();
    }
  },
};
