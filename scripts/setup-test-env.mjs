#!/usr/bin/env node
// Prepares the machine for the NATS integration tests and decides how they reach a real server:
//   docker — a container started by testcontainers (required when CI=true or SYNCGRAD_REQUIRE_DOCKER=1)
//   binary — a `nats-server` process spawned by the test fixture
//
// As root on Debian it installs what is missing (nats-server, docker.io, prometheus, docker-compose) with one apt call,
// starts a private dockerd when the docker CLI is there but no engine answers, and builds the local
// NATS image (test/nats/Dockerfile names it) from Debian's nats-server binary with `docker import`, so
// nothing is pulled from a registry. Everything is skipped when already in place, so a second run is fast.
//
// Use it from code: `const { mode, notes, env } = await setupTestEnv()` and start the tests with `env`;
// or run it: `node scripts/setup-test-env.mjs` prints notes on stderr and `export K=V` lines on stdout,
// so `eval "$(node scripts/setup-test-env.mjs)"` prepares a shell for `node --test` by hand.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const DOCKERFILE = join(root, 'test/nats/Dockerfile');
// docker-compose (1.29) validates deploy/docker-compose.yml offline; it needs no engine.
// chromium: the live page's browser test (playwright-core drives it; its own downloads are unreachable).
// python3-torch: the reference the export parity test loads safetensors into (PyPI is unreachable;
// Debian's 1.13 is the one torch these machines can have); python3-torchvision (0.14, the same
// Debian build) holds the zoo's reference definitions and parameter counts.
// openssl: the TLS test's self-signed certificate.
export const APT_PACKAGES = ['nats-server', 'docker.io', 'prometheus', 'docker-compose', 'chromium', 'python3-torch', 'python3-torchvision', 'openssl'];
/**
 * The private dockerd is a machine service that outlives the run that starts it (later runs reuse
 * it): its log goes where system daemons log, not to a temp path another job could own or clean.
 */
export const DOCKERD_LOG = '/var/log/syncgrad-dockerd.log';
export const DOCKERD_ARGS = [
  '--iptables=false',
  '--ip6tables=false',
  '--ip=127.0.0.1',
  '--data-root',
  '/var/lib/syncgrad-docker',
  '--exec-root',
  '/var/run/syncgrad-docker',
  '--pidfile',
  '/var/run/syncgrad-docker.pid',
  '-H',
  'unix:///var/run/docker.sock',
];
const DOCKERD_TIMEOUT_MS = 30_000;
/** Label the fixture puts on its containers, with the pid of the test process as value. */
export const OWNER_LABEL = 'org.syncgrad.test.owner-pid';

/** The default image: the FROM line of test/nats/Dockerfile, the one place it is written. */
export function defaultNatsImage() {
  const m = /^\s*FROM\s+(\S+)/im.exec(readFileSync(DOCKERFILE, 'utf8'));
  if (!m) throw new Error(`${DOCKERFILE} has no FROM line`);
  return m[1];
}

export function natsImage(env = process.env) {
  return env.SYNCGRAD_NATS_IMAGE || defaultNatsImage();
}

export function dockerRequired(env = process.env) {
  return env.CI === 'true' || env.SYNCGRAD_REQUIRE_DOCKER === '1';
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  return { ok: r.status === 0 && !r.error, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Full path of an executable on PATH (plus the sbin dirs a non-login root shell may lack), or null. */
export function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether the system python (the one the parity test runs) imports torch. */
function systemTorch() {
  return run('/usr/bin/python3', ['-c', 'import torch'], { timeout: 60_000 }).ok;
}

function systemTorchvision() {
  return run('/usr/bin/python3', ['-c', 'import torchvision'], { timeout: 60_000 }).ok;
}

function isDebian() {
  return existsSync('/etc/debian_version') && which('apt-get') !== null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function dockerEngineUp(docker) {
  return run(docker, ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 }).ok;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function aptInstall(notes) {
  const started = Date.now();
  const update = run('apt-get', ['update', '-qq'], { timeout: 300_000 });
  if (!update.ok) notes.push(`apt-get update failed: ${update.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const install = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=180', ...APT_PACKAGES], {
    timeout: 600_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!install.ok) {
    notes.push(`apt-get install ${APT_PACKAGES.join(' ')} failed: ${install.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return false;
  }
  notes.push(`installed ${APT_PACKAGES.join(' ')} with apt-get in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

async function startDockerd(docker, notes) {
  const dockerd = which('dockerd');
  if (!dockerd) {
    notes.push('docker CLI found but no dockerd to start');
    return false;
  }
  const host = process.env.DOCKER_HOST;
  if (host && host !== 'unix:///var/run/docker.sock') {
    notes.push(`DOCKER_HOST=${host} does not answer; not starting a local dockerd, which would listen on /var/run/docker.sock`);
    return false;
  }
  const started = Date.now();
  mkdirSync('/var/run/syncgrad-docker', { recursive: true });
  const log = openSync(DOCKERD_LOG, 'a');
  // detached: its own session and process group, so it outlives this process and gets no terminal signals.
  const child = spawn(dockerd, DOCKERD_ARGS, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  /** @type {string | null} */
  let exited = null;
  child.on('error', (e) => (exited = e.message));
  child.on('exit', (code, signal) => (exited = `exit ${signal ?? code}`));
  child.unref();
  while (Date.now() - started < DOCKERD_TIMEOUT_MS && exited === null) {
    if (dockerEngineUp(docker)) {
      notes.push(`started dockerd (pid ${child.pid}, log ${DOCKERD_LOG}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return true;
    }
    await sleep(250);
  }
  if (exited === null) child.kill('SIGTERM'); // a dockerd that never answered would only hold the pidfile
  const why = exited !== null ? `dockerd stopped (${exited})` : `dockerd did not answer within ${DOCKERD_TIMEOUT_MS / 1000} s`;
  notes.push(`${why}; last lines of ${DOCKERD_LOG}:\n${tail(DOCKERD_LOG, 8)}`);
  return false;
}

/** Shared objects (and the ELF interpreter) that a dynamically linked binary loads, as absolute paths. */
function linkedLibraries(binary) {
  const r = run('ldd', [binary]);
  if (!r.ok) return []; // "not a dynamic executable": nothing to add
  const libs = new Set();
  for (const line of r.stdout.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}

/** Builds `image` from Debian's nats-server: the binary and what it links, imported as one layer. */
function buildLocalImage(docker, image, notes) {
  const natsServer = which('nats-server');
  if (!natsServer) {
    notes.push(`cannot build ${image}: nats-server is not installed`);
    return false;
  }
  const started = Date.now();
  const stage = mkdtempSync(join(tmpdir(), 'syncgrad-nats-image-'));
  try {
    for (const file of [natsServer, ...linkedLibraries(natsServer)]) {
      const dest = join(stage, file);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest); // follows symlinks: the image gets the real file under the linked name
    }
    mkdirSync(join(stage, 'tmp'), { mode: 0o1777 });
    mkdirSync(join(stage, 'data'));
    const tarFile = `${stage}.tar`;
    const tar = run('tar', ['-C', stage, '--owner=0', '--group=0', '-cf', tarFile, '.']);
    if (!tar.ok) throw new Error(`tar failed: ${tar.stderr}`);
    try {
      const imp = run(
        docker,
        [
          'import',
          '--change',
          `ENTRYPOINT ["${natsServer}"]`,
          '--change',
          'EXPOSE 4222 8222 6222',
          '--change',
          'LABEL org.syncgrad.source="debian nats-server via docker import"',
          tarFile,
          image,
        ],
        { timeout: 120_000 },
      );
      if (!imp.ok) throw new Error(`docker import failed: ${imp.stderr.trim()}`);
    } finally {
      rmSync(tarFile, { force: true });
    }
    notes.push(`built image ${image} from ${natsServer} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (e) {
    notes.push(`cannot build ${image}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function imagePresent(docker, image) {
  return run(docker, ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 15_000 }).ok;
}

/** Removes NATS test containers left by test processes that no longer exist (Ryuk is off, so a crash leaks). */
function removeOrphans(docker, notes) {
  const r = run(docker, ['ps', '-a', '--filter', `label=${OWNER_LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_LABEL}"}}`], {
    timeout: 15_000,
  });
  if (!r.ok) return;
  const orphans = [];
  for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
    const [id, pid] = line.split(' ');
    const n = Number(pid);
    let alive = false;
    if (Number.isInteger(n) && n > 0) {
      try {
        process.kill(n, 0);
        alive = true;
      } catch (e) {
        alive = /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
      }
    }
    if (!alive && id) orphans.push(id);
  }
  if (orphans.length > 0) {
    run(docker, ['rm', '-f', '-v', ...orphans], { timeout: 30_000 });
    notes.push(`removed ${orphans.length} leftover NATS test container(s) of exited test runs`);
  }
}

/**
 * @returns {Promise<{ mode: 'docker' | 'binary'; notes: string[]; env: Record<string, string> }>}
 */
export async function setupTestEnv() {
  /** @type {string[]} */
  const notes = [];
  const required = dockerRequired();
  const requested = process.env.SYNCGRAD_NATS_MODE || undefined;
  if (requested !== undefined && requested !== 'docker' && requested !== 'binary') {
    throw new Error(`SYNCGRAD_NATS_MODE must be docker or binary, not ${JSON.stringify(requested)}`);
  }
  if (requested === 'binary' && required) {
    throw new Error('SYNCGRAD_NATS_MODE=binary conflicts with CI=true / SYNCGRAD_REQUIRE_DOCKER=1, which require docker');
  }
  const wantDocker = requested !== 'binary';
  const asRoot = isRoot();
  const debian = isDebian();
  const image = natsImage();
  const localImage = image === defaultNatsImage();

  let docker = which('docker');
  let engine = docker !== null && dockerEngineUp(docker);

  // 1. packages
  const missing = [];
  if (!which('nats-server')) missing.push('nats-server');
  if (wantDocker && !engine && !which('dockerd')) missing.push('docker.io');
  if (!which('prometheus')) missing.push('prometheus');
  if (!which('docker-compose')) missing.push('docker-compose');
  if (!which('chromium')) missing.push('chromium');
  if (!systemTorch()) missing.push('python3-torch');
  if (!systemTorchvision()) missing.push('python3-torchvision');
  if (!which('openssl')) missing.push('openssl');
  if (missing.length > 0) {
    const cmd = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;
    if (asRoot && debian) {
      aptInstall(notes);
      docker = which('docker');
    } else {
      notes.push(`missing: ${missing.join(', ')}. Install them with: ${asRoot ? '' : 'sudo '}sh -c '${cmd}'`);
    }
  }

  // 2. docker engine
  if (wantDocker && docker && !engine) {
    if (asRoot) engine = await startDockerd(docker, notes);
    else {
      const err = run(docker, ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 }).stderr.trim().split('\n').pop() ?? '';
      notes.push(`the docker engine does not answer (\`docker info\`: ${err}); start it, or run this as root to let it start one`);
    }
  }

  // 3. image
  let imageReady = false;
  if (wantDocker && engine && docker) {
    removeOrphans(docker, notes);
    if (imagePresent(docker, image)) imageReady = true;
    else if (localImage) imageReady = buildLocalImage(docker, image, notes);
    else {
      imageReady = true; // testcontainers pulls it when the tests start
      notes.push(`image ${image} is not present locally; testcontainers will pull it`);
    }
  }

  const mode = wantDocker && engine && imageReady ? 'docker' : 'binary';
  if (mode === 'binary' && requested === 'binary') {
    notes.push('SYNCGRAD_NATS_MODE=binary: NATS tests use the nats-server binary');
    if (!which('nats-server')) notes.push('nats-server is not installed: the NATS integration tests will fail');
  } else if (mode === 'binary') {
    const why = !docker ? 'no docker CLI' : !engine ? 'docker engine unreachable' : `image ${image} unavailable`;
    if (required) {
      throw new Error(
        `Docker is required for the NATS integration tests (CI=true or SYNCGRAD_REQUIRE_DOCKER=1) but cannot be used: ${why}.\n` +
          notes.map((n) => `  - ${n}`).join('\n'),
      );
    }
    notes.push(`NATS tests fall back to the nats-server binary: ${why}`);
    if (!which('nats-server')) notes.push('nats-server is not installed either: the NATS integration tests will fail');
  }

  /** @type {Record<string, string>} */
  const env = {
    // Ryuk's image would have to be pulled, and these hosts look like a container to testcontainers,
    // which would then look for the engine's gateway address instead of the loopback one. A value
    // already in the environment wins (someone with internet may want Ryuk).
    TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true',
    TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '127.0.0.1',
    SYNCGRAD_NATS_MODE: mode,
    SYNCGRAD_NATS_IMAGE: image,
  };
  return { mode, notes, env };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  try {
    const { mode, notes, env } = await setupTestEnv();
    for (const n of notes) console.error(`setup-test-env: ${n}`);
    console.error(`setup-test-env: NATS integration mode ${mode} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${v}`);
  } catch (e) {
    console.error(`setup-test-env: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
