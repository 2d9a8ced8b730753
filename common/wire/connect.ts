// How the coordinator and workers reach NATS: the URL plus credentials and TLS from the
// environment. Secrets come from env vars, not flags, because flags show in `ps` and in
// Kubernetes pod specs, while env vars can come from a Secret. nats.js 2.29 ignores credentials
// embedded in the URL (`nats://u:p@host` is refused by the server), so they must be passed here.
import { accessSync, constants, readFileSync } from 'node:fs';
import { credsAuthenticator, ErrorCode, nkeyAuthenticator, NatsError, type ConnectionOptions, type NatsConnection } from 'nats';
import { ConfigError, TimeoutError } from '../errors.js';
import { connectWhole } from './transport.js';

/** The environment variables read, in the order the docs list them. */
export const NATS_ENV = ['NATS_USER', 'NATS_PASSWORD', 'NATS_TOKEN', 'NATS_CREDS', 'NATS_NKEY', 'NATS_TLS_CA', 'NATS_TLS_CERT', 'NATS_TLS_KEY'] as const;

/** Reconnect forever, every 500 ms: a restarted server is back within a second or two here, and the protocol re-requests what was lost meanwhile. */
const RECONNECT_WAIT_MS = 500;

type Env = Partial<Record<(typeof NATS_ENV)[number], string>>;

/** Runs `fs` on the file named by `variable`, turning a failure into a ConfigError naming both. */
function onFile<T>(path: string, variable: string, fs: (path: string) => T): T {
  try {
    return fs(path);
  } catch (e) {
    throw new ConfigError(`${variable}=${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

const readSecret = (path: string, variable: string): Uint8Array => onFile(path, variable, (p) => readFileSync(p));
/** TLS files are read by nats.js itself; only check here that they can be. */
const checkReadable = (path: string, variable: string): string => onFile(path, variable, (p) => (accessSync(p, constants.R_OK), p));

/**
 * Authentication and TLS options for `connect()` from NATS_* variables. At most one scheme:
 * NATS_USER+NATS_PASSWORD, NATS_TOKEN, NATS_CREDS (a .creds file: JWT + nkey seed) or
 * NATS_NKEY (a file holding an nkey seed). NATS_TLS_CA / NATS_TLS_CERT + NATS_TLS_KEY add TLS,
 * with a client certificate for servers that verify clients.
 */
export function natsAuthOptions(env: Env = process.env): Partial<ConnectionOptions> {
  const set = (k: keyof Env) => env[k] !== undefined && env[k] !== '';
  const schemes = [
    set('NATS_USER') || set('NATS_PASSWORD') ? 'NATS_USER/NATS_PASSWORD' : undefined,
    set('NATS_TOKEN') ? 'NATS_TOKEN' : undefined,
    set('NATS_CREDS') ? 'NATS_CREDS' : undefined,
    set('NATS_NKEY') ? 'NATS_NKEY' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (schemes.length > 1) throw new ConfigError(`NATS credentials: set only one of ${schemes.join(', ')}`);

  const out: Partial<ConnectionOptions> = {};
  if (set('NATS_USER') !== set('NATS_PASSWORD')) throw new ConfigError('NATS credentials: NATS_USER and NATS_PASSWORD must be set together');
  if (set('NATS_USER')) {
    out.user = env.NATS_USER;
    out.pass = env.NATS_PASSWORD;
  }
  if (set('NATS_TOKEN')) out.token = env.NATS_TOKEN;
  if (set('NATS_CREDS')) out.authenticator = credsAuthenticator(readSecret(env.NATS_CREDS!, 'NATS_CREDS'));
  if (set('NATS_NKEY')) {
    const seed = new TextDecoder().decode(readSecret(env.NATS_NKEY!, 'NATS_NKEY')).trim();
    out.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }

  if (set('NATS_TLS_CERT') !== set('NATS_TLS_KEY')) throw new ConfigError('NATS TLS: NATS_TLS_CERT and NATS_TLS_KEY must be set together');
  if (set('NATS_TLS_CA') || set('NATS_TLS_CERT')) {
    out.tls = {
      ...(set('NATS_TLS_CA') ? { caFile: checkReadable(env.NATS_TLS_CA!, 'NATS_TLS_CA') } : {}),
      ...(set('NATS_TLS_CERT')
        ? { certFile: checkReadable(env.NATS_TLS_CERT!, 'NATS_TLS_CERT'), keyFile: checkReadable(env.NATS_TLS_KEY!, 'NATS_TLS_KEY') }
        : {}),
    };
  }
  return out;
}

/**
 * Connects with the env credentials and reconnects forever. A refused login is a ConfigError
 * (retrying will not help); an unreachable server is a TimeoutError.
 */
export async function connectNats(servers: string, name: string, env?: Env): Promise<NatsConnection> {
  const auth = natsAuthOptions(env);
  try {
    // A comma-separated list names several servers of one NATS cluster; nats.js also learns the
    // cluster's other servers from each server's INFO and fails over to them.
    const list = servers
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u.length > 0);
    return await connectWhole({ servers: list, name, maxReconnectAttempts: -1, reconnectTimeWait: RECONNECT_WAIT_MS, ...auth });
  } catch (e) {
    const refused: string[] = [ErrorCode.AuthorizationViolation, ErrorCode.AuthenticationExpired, ErrorCode.PermissionsViolation];
    if (e instanceof NatsError && refused.includes(e.code)) {
      throw new ConfigError(`NATS at ${servers} refused the credentials (${e.code}); check NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS or NATS_NKEY`, {
        cause: e,
      });
    }
    throw new TimeoutError(`cannot connect to NATS at ${servers}: ${(e as Error).message}`, { cause: e });
  }
}
