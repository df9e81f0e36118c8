// Records what Debian's nginx, redis, mariadb and docker-registry really print, as the fixtures in
// core/services/fixtures/debian/ (one text file per observation, and a README
// table of command → file). Runs the images test/setup/service-images.sh builds on
// the real engine, under unique names, and removes them after:
//   node test/setup/record-services.mjs      re-record every fixture
// test/agent/serviceFixtures.test.ts runs the same observations live and
// compares them with the committed files, so the two cannot drift apart.
// Volatile parts are masked with the placeholders listed in `placeholders`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '../../core/services/fixtures/debian');

export const images = {
  nginx: 'glassbox-fixture/nginx:debian',
  redis: 'glassbox-fixture/redis:debian',
  mariadb: 'glassbox-fixture/mariadb:debian',
  registry: 'glassbox-fixture/registry:debian',
};

/** Every placeholder a fixture may hold, and what it stands for (the README lists them). */
export const placeholders = [
  ['<HTTP-DATE>', 'an HTTP date (`Date:`, `Last-Modified:`), e.g. `Sun, 06 Dec 2026 22:26:51 GMT`'],
  ['<MTIME-HEX>', "the file's modification time in an nginx `ETag` (`\"<MTIME-HEX>-267\"`: the part after the dash is the size)"],
  ['<LOG-TIME>', "a program's own log timestamp, in that program's format (nginx `06/Dec/2026:22:26:51 +0000`, redis `06 Dec 2026 22:27:22.823`, mariadb `2026-12-06 22:27:38` and `261206 22:27:38`)"],
  ['<GATEWAY>', "the default bridge's gateway address, which is where a published port's client comes from (`172.17.0.1` on most engines)"],
  ['<CURL-VERSION>', "the host's curl version in a `User-Agent`"],
  ['<PORT>', 'the published host port (`-p 127.0.0.1::80` lets the engine choose one)'],
  ['<PID>', "a process id: `docker top`'s PID and PPID columns (host pids), nginx's `start worker process` (the container's)"],
  ['<C>', '`docker top` C column (CPU use)'],
  ['<STIME>', '`docker top` STIME column (start time)'],
  ['<CPU-TIME>', '`docker top` TIME column (CPU time)'],
  ['<UID>', "a `docker top` user other than root and www-data: the host names the container's uid from the host's own /etc/passwd"],
  ['<KERNEL>', 'the host kernel: redis `INFO` (`os:Linux 6.1.0 x86_64`), nginx\'s `OS: Linux 6.1.0` notice'],
  ['<VARIES>', "a value that changes from run to run: redis `INFO`'s run_id, server_time_usec, uptime_in_seconds, uptime_in_days and lru_clock; mariadb's log sequence numbers and innodb_buffer_pool_size_max"],
  ['<SERVER-UID>', "mariadb's random server_uid"],
  ['<CONNECTION-ID>', "the mysql client's connection id in its banner"],
  ['<SECONDS>', 'the mysql client\'s query time, `(<SECONDS> sec)`'],
  ['<REPO>', 'the repository a recording pushed to the registry (a random name)'],
  ['<LAYER>', 'a layer id in `docker push` output (busybox\'s, as this engine has it)'],
  ['<UUID>', "the registry's instance.id and http.request.id (random v4 uuids)"],
  ['<DIGEST>', 'a sha256 digest (`sha256:` and 64 hex) of content this run made: the pushed image\'s manifest and layers'],
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a program to completion: { stdout, stderr, exit }. */
function run(cmd, args, { input, timeout = 60_000 } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr, exit: r.status ?? 128 };
}

function docker(...args) {
  const r = run('docker', args);
  if (r.exit !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${r.exit}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** The fixture images that are not on this engine (empty when all are). */
export function missingImages() {
  return Object.values(images).filter((image) => run('docker', ['image', 'inspect', image]).exit !== 0);
}

/** Each image's `glassbox.fixture.packages` label: the Debian package versions it was built from. */
export function packageVersions() {
  return Object.fromEntries(
    Object.entries(images).map(([program, image]) => [program, docker('image', 'inspect', '--format', '{{index .Config.Labels "glassbox.fixture.packages"}}', image).trim()]),
  );
}

const mask = {
  httpDate: (t) => t.replace(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g, '<HTTP-DATE>').replace(/(ETag: ")[0-9a-f]+-/g, '$1<MTIME-HEX>-'),
  nginxTime: (t) => t.replace(/\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}/g, '<LOG-TIME>'),
  redisTime: (t) => t.replace(/\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}/g, '<LOG-TIME>'),
  // mariadb pads the hour with a space (`2026-12-07  0:05:11`, `261207  0:05:11`) before 10 o'clock.
  mariadbTime: (t) => t.replace(/\d{4}-\d{2}-\d{2} [ \d]\d:\d{2}:\d{2}/g, '<LOG-TIME>').replace(/\b\d{6} [ \d]\d:\d{2}:\d{2}\b/g, '<LOG-TIME>'),
  curl: (t) => t.replace(/curl\/[0-9][0-9.]*/g, 'curl/<CURL-VERSION>'),
  exact: (value, placeholder) => (t) => (value ? t.split(value).join(placeholder) : t),
};

/**
 * `docker top` with the per-run columns masked, re-aligned on the header's
 * columns so the table keeps its shape. root and www-data have the same uid on
 * every Debian host; another user is shown by the host's name for the uid.
 */
function maskTop(text) {
  const [header, ...rows] = text.replace(/\n$/, '').split('\n');
  const columns = [...header.matchAll(/\S+/g)];
  const names = columns.map((m) => m[0]);
  const starts = columns.map((m) => m.index);
  const cut = (line) => starts.map((s, i) => line.slice(s, i + 1 < starts.length ? starts[i + 1] : undefined).trimEnd());
  const masks = { PID: '<PID>', PPID: '<PID>', C: '<C>', STIME: '<STIME>', TIME: '<CPU-TIME>' };
  const render = (cells) => cells.map((c, i) => (i + 1 < cells.length ? c.padEnd(Math.max(starts[i + 1] - starts[i], c.length + 1)) : c)).join('');
  const out = rows.map((row) => {
    const cells = cut(row).map((c, i) => {
      const name = names[i];
      if (masks[name]) return masks[name];
      if (name === 'UID' && c !== 'root' && c !== 'www-data') return '<UID>';
      return c;
    });
    return render(cells);
  });
  return [header, ...out].join('\n') + '\n';
}

/** The CMD column of `docker top`: each process's command line as the program set it. */
function topCommands(text) {
  const [header, ...rows] = text.replace(/\n$/, '').split('\n');
  const at = header.indexOf('CMD');
  return rows.map((r) => r.slice(at)).join('\n') + '\n';
}

/** Keeps only redis INFO's first section (`# Server`), with the per-call values masked. */
function maskInfoServer(text) {
  const section = text.split('\r\n\r\n')[0] + '\r\n';
  return section
    .replace(/^(run_id|server_time_usec|uptime_in_seconds|uptime_in_days|lru_clock):[^\r\n]*/gm, '$1:<VARIES>')
    .replace(/^os:[^\r\n]*/m, 'os:<KERNEL>');
}

/** mariadb's log: the random server uid, and InnoDB's numbers that differ between two first starts. */
function maskInnodb(text) {
  return text
    .replace(/server_uid \S+/, 'server_uid <SERVER-UID>')
    .replace(/(LSN=|log sequence number )\d+/g, '$1<VARIES>')
    .replace(/innodb_buffer_pool_size_max=\d+/g, 'innodb_buffer_pool_size_max=<VARIES>');
}

/** Polls `docker logs NAME` until `pattern` appears on either stream. */
async function waitForLog(name, pattern, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = run('docker', ['logs', name]);
    if (pattern.test(r.stdout) || pattern.test(r.stderr)) return;
    const state = run('docker', ['inspect', '--format', '{{.State.Status}}', name]).stdout.trim();
    if (state !== 'running') throw new Error(`${name} is ${state} before printing ${pattern}; its log:\n${r.stdout}${r.stderr}`);
    if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${timeoutMs / 1000}s; its log:\n${r.stdout}${r.stderr}`);
    await sleep(100);
  }
}

/**
 * Drives an interactive program on a terminal, as a person would: `script` gives
 * it a pty inside the container, and each line is typed a moment after the
 * prompt shows, so the line editor (not the pty) echoes it. A line typed before
 * the editor has put the pty in raw mode is echoed twice; a person typing never
 * is that fast, so that second echo is dropped.
 */
function ttySession(name, program, lines, prompt, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['exec', '-i', name, 'script', '-qec', program, '/dev/null']);
    let out = '';
    let err = '';
    let next = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${program} in ${name} did not finish within ${timeoutMs / 1000}s; it printed:\n${out}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    const type = () => {
      child.stdin.write(lines[next++] + '\n');
      if (next === lines.length) child.stdin.end();
    };
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (next < lines.length && out.endsWith(prompt)) setTimeout(type, 200);
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (exit) => {
      clearTimeout(timer);
      const stdout = lines.reduce((t, l) => t.split(`${prompt}${l}\r\n${l}\r\n`).join(`${prompt}${l}\r\n`), out);
      resolve({ stdout, stderr: err, exit: exit ?? 128 });
    });
  });
}

/** Starts PROGRAM's image detached under a unique name; `extra` are more `docker run` options, `cmd` replaces its CMD. */
function start(program, extra = [], cmd = []) {
  const name = `gb-fixtures-${program}-${randomBytes(4).toString('hex')}`;
  docker('run', '-d', '--pull', 'never', '--name', name, ...extra, images[program], ...cmd);
  return name;
}

function remove(name) {
  run('docker', ['rm', '-f', '-v', name]);
}

/** The container's gateway on the default bridge: the source address of requests to its published ports. */
function gateway(name) {
  return docker('inspect', '--format', '{{.NetworkSettings.Gateway}}', name).trim();
}

/**
 * Runs one observation: `command` is what the README shows, `result` what the
 * program printed; `stream` says which stream the file holds (the other must
 * be empty unless `otherStream` allows it), `masks` clean the volatile parts.
 * `unordered`: the program's threads print these lines in an order that varies
 * from run to run, so a live run is compared line for line but in any order.
 */
function observe(file, what, command, result, { stream = 'stdout', masks = [], otherStream = false, unordered = false } = {}) {
  const other = stream === 'stdout' ? result.stderr : result.stdout;
  if (!otherStream && other !== '') throw new Error(`${file}: \`${command}\` also printed on ${stream === 'stdout' ? 'stderr' : 'stdout'}: ${JSON.stringify(other)}`);
  const text = masks.reduce((t, m) => m(t), result[stream]);
  return { file, what: unordered ? `${what}; line order varies between runs` : what, command, stream, exit: result.exit, text, unordered };
}

/** What a live run is compared with a fixture by: the text, or its sorted lines when the order varies. */
export function comparable(observation, text = observation.text) {
  return observation.unordered ? text.split('\n').sort().join('\n') : text;
}

async function observeNginx() {
  // worker_processes auto starts one worker per CPU: two CPUs keep the table the same on every machine.
  if (availableParallelism() < 2) throw new Error('recording nginx needs two CPUs (its worker count follows them)');
  const obs = [];
  const name = start('nginx', ['--cpuset-cpus', '0-1', '-p', '127.0.0.1::80']);
  try {
    const port = docker('port', name, '80/tcp').split('\n')[0].replace(/.*:/, '');
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (run('curl', ['-s', '-o', '/dev/null', url]).exit !== 0) {
      if (Date.now() > deadline) throw new Error(`nginx in ${name} did not answer on ${url} within 30s`);
      await sleep(100);
    }
    // The access log so far holds the readiness probe's line: the fixture starts after it.
    await waitForLog(name, /"GET \/ HTTP/, 10_000);
    const probeLog = run('docker', ['logs', name]).stdout;
    const curl = (args) => run('curl', args);
    const ex = (...args) => run('docker', ['exec', name, ...args]);
    obs.push(
      observe('nginx/welcome.txt', 'the welcome page: status line, headers (CRLF) and body', 'curl -si http://127.0.0.1:<PORT>/', curl(['-si', `${url}/`]), { masks: [mask.httpDate] }),
      observe('nginx/not-found.txt', 'the 404 page', 'curl -si http://127.0.0.1:<PORT>/nope', curl(['-si', `${url}/nope`]), { masks: [mask.httpDate] }),
      observe('nginx/post-not-allowed.txt', 'a POST to a static file: the 405 page', 'curl -si -X POST http://127.0.0.1:<PORT>/', curl(['-si', '-X', 'POST', `${url}/`]), { masks: [mask.httpDate] }),
    );
    // The last request's line has reached the engine's log file.
    await waitForLog(name, /"POST \/ HTTP/, 10_000);
    const logs = run('docker', ['logs', name]);
    if (!logs.stdout.startsWith(probeLog)) throw new Error(`nginx in ${name}: the access log changed before the requests' lines:\n${logs.stdout}`);
    const accessLog = { ...logs, stdout: logs.stdout.slice(probeLog.length) };
    obs.push(
      observe('nginx/access-log.txt', 'the access log lines of the three requests above (combined format, on stdout)', 'docker logs C', accessLog, {
        masks: [mask.nginxTime, mask.curl, mask.exact(gateway(name), '<GATEWAY>')],
        otherStream: true,
      }),
      observe('nginx/error-log.txt', 'what nginx prints on stderr from start-up to here: nothing', 'docker logs C (stderr)', logs, { stream: 'stderr', otherStream: true }),
      observe('nginx/nginx-t.txt', 'the configuration test', 'docker exec C nginx -t', ex('nginx', '-t'), { stream: 'stderr' }),
      observe('nginx/nginx-v.txt', 'the version', 'docker exec C nginx -v', ex('nginx', '-v'), { stream: 'stderr' }),
      observe('nginx/nginx-V.txt', 'the version and build options', 'docker exec C nginx -V', ex('nginx', '-V'), { stream: 'stderr' }),
    );
    const top = run('docker', ['top', name]);
    obs.push(
      observe('nginx/docker-top.txt', 'the process table (master as root, a worker per CPU as www-data)', 'docker top C', top, { masks: [maskTop] }),
      observe('nginx/processes.txt', "the master's and workers' command lines (docker top's CMD column)", 'docker top C', { ...top, stdout: topCommands(top.stdout) }),
      observe('nginx/etc-nginx.txt', 'the configuration layout', 'docker exec C ls /etc/nginx /etc/nginx/conf.d /etc/nginx/sites-enabled', ex('ls', '/etc/nginx', '/etc/nginx/conf.d', '/etc/nginx/sites-enabled')),
      observe('nginx/nginx.conf.txt', 'the main configuration file', 'docker exec C cat /etc/nginx/nginx.conf', ex('cat', '/etc/nginx/nginx.conf')),
      observe('nginx/sites-enabled-default.txt', 'the default server (a link to sites-available/default)', 'docker exec C cat /etc/nginx/sites-enabled/default', ex('cat', '/etc/nginx/sites-enabled/default')),
    );
  } finally {
    remove(name);
  }
  // Debian logs errors only, so it starts silently; nginx.org's image logs at notice: the same start-up lines, in this format.
  const notice = start('nginx', ['--cpuset-cpus', '0-1'], ['nginx', '-g', 'daemon off; error_log stderr notice;']);
  try {
    await waitForLog(notice, /(start worker process \d+\n[^]*){2}/);
    obs.push(
      observe('nginx/startup-notice.txt', 'start-up at the `notice` log level (what nginx.org\'s image logs at start, here from Debian\'s build)', `${startCommands.nginxNotice}; docker logs C`, run('docker', ['logs', notice]), {
        stream: 'stderr',
        masks: [(t) => t.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/gm, '<LOG-TIME>').replace(/OS: Linux \S+/, 'OS: Linux <KERNEL>').replace(/start worker process \d+/g, 'start worker process <PID>')],
      }),
    );
  } finally {
    remove(notice);
  }
  return obs;
}

/** redis-cli commands observed twice: as `docker exec C redis-cli …` prints them (no terminal: raw) and with --no-raw (a terminal's format). */
const redisCommands = [
  ['ping', ['ping']],
  ['set', ['set', 'k', 'v']],
  ['get', ['get', 'k']],
  ['get-missing', ['get', 'nope']],
  ['incr', ['incr', 'counter']],
  ['incr-not-integer', ['incr', 'k']],
  ['unknown-command', ['nosuch', 'a', 'b']],
  ['wrong-args', ['get']],
];

async function observeRedis() {
  const obs = [];
  const name = start('redis');
  try {
    await waitForLog(name, /Ready to accept connections/);
    const ex = (...args) => run('docker', ['exec', name, ...args]);
    obs.push(observe('redis/server-log.txt', 'the server start-up lines', 'docker logs C', run('docker', ['logs', name]), { masks: [mask.redisTime] }));
    for (const [file, args] of redisCommands) {
      obs.push(observe(`redis/cli-${file}.txt`, `reply to \`${args.join(' ')}\`, raw (no terminal)`, `docker exec C redis-cli ${args.join(' ')}`, ex('redis-cli', ...args)));
    }
    // Again on fresh keys, so each reply is the same as the raw run's.
    ex('redis-cli', 'flushall');
    for (const [file, args] of redisCommands) {
      obs.push(observe(`redis/cli-${file}.tty.txt`, `reply to \`${args.join(' ')}\` as a terminal shows it`, `docker exec C redis-cli --no-raw ${args.join(' ')}`, ex('redis-cli', '--no-raw', ...args)));
    }
    obs.push(
      observe('redis/cli-version.txt', "the client's version", 'docker exec C redis-cli --version', ex('redis-cli', '--version')),
      observe('redis/server-version.txt', "the server's version", 'docker exec C redis-server --version', ex('redis-server', '--version')),
      observe('redis/info-server.txt', 'the `# Server` section of INFO (CRLF lines)', 'docker exec C redis-cli info server', ex('redis-cli', 'info', 'server'), { masks: [maskInfoServer] }),
      observe('redis/docker-top.txt', 'the process table (redis-server, not root)', 'docker top C', run('docker', ['top', name]), { masks: [maskTop] }),
    );
  } finally {
    remove(name);
  }
  // The official image runs redis-server without arguments, which logs "no config file" where arguments log "Configuration loaded".
  const bare = start('redis', [], ['redis-server']);
  try {
    await waitForLog(bare, /Ready to accept connections/);
    obs.push(observe('redis/server-log.no-args.txt', 'start-up of `redis-server` without arguments, as the official image starts it', `${startCommands.redisNoArgs}; docker logs C`, run('docker', ['logs', bare]), { masks: [mask.redisTime] }));
  } finally {
    remove(bare);
  }
  return obs;
}

async function observeMariadb() {
  const name = start('mariadb');
  try {
    await waitForLog(name, /ready for connections/);
    // The last start-up line comes right after "ready for connections"; a background thread reports the buffer pool's load.
    await waitForLog(name, /^Version: .*$/m, 10_000);
    await waitForLog(name, /Buffer pool\(s\) load completed/, 10_000);
    const ex = (...args) => run('docker', ['exec', name, ...args]);
    const logs = run('docker', ['logs', name]);
    const ready = logs.stderr.split('\n').filter((l) => /ready for connections|^Version: /.test(l)).join('\n') + '\n';
    const session = await ttySession(name, 'mysql', ['select 1;', 'selec 1;', 'show databases;', 'exit'], ']> ');
    return [
      observe('mariadb/install-db.txt', "the first start: the entrypoint's mariadb-install-db on the empty data directory (stdout)", 'docker logs C', logs, { otherStream: true }),
      observe('mariadb/server-log.txt', "the server's log, first start (stderr)", 'docker logs C (stderr)', logs, { stream: 'stderr', otherStream: true, unordered: true, masks: [mask.mariadbTime, maskInnodb] }),
      observe('mariadb/ready.txt', 'the "ready for connections" lines', 'docker logs C (stderr)', { ...logs, stdout: '', stderr: ready }, { stream: 'stderr', masks: [mask.mariadbTime] }),
      observe('mariadb/select-1.txt', '`-e` without a terminal: batch output, tab-separated', "docker exec C mysql -e 'select 1'", ex('mysql', '-e', 'select 1')),
      observe('mariadb/select-1.table.txt', '`-t`: the table a terminal shows', "docker exec C mysql -t -e 'select 1'", ex('mysql', '-t', '-e', 'select 1')),
      observe('mariadb/show-databases.txt', 'the databases of a fresh server, batch', "docker exec C mysql -e 'show databases'", ex('mysql', '-e', 'show databases')),
      observe('mariadb/show-databases.table.txt', 'the same as a table', "docker exec C mysql -t -e 'show databases'", ex('mysql', '-t', '-e', 'show databases')),
      observe('mariadb/syntax-error.txt', 'a syntax error in `-e`', "docker exec C mysql -e 'selec 1'", ex('mysql', '-e', 'selec 1'), { stream: 'stderr' }),
      observe('mariadb/access-denied.txt', 'a wrong user and password', "docker exec C mysql -u nobody -pwrong -e 'select 1'", ex('mysql', '-u', 'nobody', '-pwrong', '-e', 'select 1'), { stream: 'stderr' }),
      observe('mariadb/unknown-database.txt', 'a database that does not exist', 'docker exec C mysql nosuch', ex('mysql', 'nosuch'), { stream: 'stderr' }),
      observe('mariadb/mysql-version.txt', "the client's version", 'docker exec C mysql --version', ex('mysql', '--version')),
      observe('mariadb/server-version.txt', "the server's version", 'docker exec C mariadbd --version', ex('mariadbd', '--version')),
      observe('mariadb/interactive.txt', 'an interactive session on a terminal (CRLF): banner, a table, an error (with its BEL), `exit`', 'docker exec -it C mysql, then typing: select 1; selec 1; show databases; exit', session, {
        masks: [(t) => t.replace(/connection id is \d+/, 'connection id is <CONNECTION-ID>').replace(/\(\d+\.\d+ sec\)/g, '(<SECONDS> sec)')],
      }),
      observe('mariadb/docker-top.txt', 'the process table', 'docker top C', run('docker', ['top', name]), { masks: [maskTop] }),
    ];
  } finally {
    remove(name);
  }
}

const registryMasks = [
  (t) => t.replace(/time="[^"]+"/g, 'time="<LOG-TIME>"').replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<UUID>'),
  (t) => t.replace(/sha256:[0-9a-f]{64}/g, 'sha256:<DIGEST>'),
];

/** Debian's docker-registry as the official registry:2 is run: its API through curl, a push from the real daemon, its logs. */
async function observeRegistry() {
  const name = start('registry', ['-p', '127.0.0.1::5000']);
  const obs = [];
  try {
    await waitForLog(name, /listening on/);
    const port = docker('port', name, '5000/tcp').split('\n')[0].replace(/.*:/, '');
    const url = `http://127.0.0.1:${port}`;
    const curl = (path, extra = []) => run('curl', ['-s', ...extra, `${url}${path}`]);
    const date = { masks: [mask.httpDate] };
    obs.push(
      observe('registry/v2.txt', 'the API version check: status line, headers (CRLF), `{}`', 'curl -si http://127.0.0.1:<PORT>/v2/', curl('/v2/', ['-i']), date),
      observe('registry/catalog-empty.txt', 'the catalog of an empty registry', 'curl -s http://127.0.0.1:<PORT>/v2/_catalog', curl('/v2/_catalog')),
      observe('registry/name-unknown.txt', 'the tags of a repository it does not have', 'curl -si http://127.0.0.1:<PORT>/v2/nosuch/tags/list', curl('/v2/nosuch/tags/list', ['-i']), date),
      observe('registry/manifest-unknown.txt', 'a manifest by a tag it does not have', 'curl -s http://127.0.0.1:<PORT>/v2/nosuch/manifests/latest', curl('/v2/nosuch/manifests/latest')),
      observe('registry/blob-unknown.txt', 'a blob it does not have', `curl -s http://127.0.0.1:<PORT>/v2/nosuch/blobs/sha256:${'0'.repeat(64)}`, curl(`/v2/nosuch/blobs/sha256:${'0'.repeat(64)}`)),
      observe('registry/not-found.txt', 'a path outside the API', 'curl -si http://127.0.0.1:<PORT>/nope', curl('/nope', ['-i']), date),
    );
    const repo = `localhost:${port}/gb-fixtures-${randomBytes(4).toString('hex')}`;
    docker('tag', 'busybox:latest', repo);
    try {
      const push = run('docker', ['push', repo]);
      const local = (t) => t.split(repo.slice(repo.indexOf('/') + 1)).join('<REPO>').split(`localhost:${port}`).join('localhost:<PORT>').replace(/^[0-9a-f]{12}:/gm, '<LAYER>:');
      obs.push(
        observe('registry/push.txt', 'busybox pushed by the real daemon (layer id and digests masked)', 'docker push localhost:<PORT>/<REPO>', push, { masks: [local, ...registryMasks] }),
        observe('registry/catalog.txt', 'the catalog after the push', 'curl -s http://127.0.0.1:<PORT>/v2/_catalog', curl('/v2/_catalog'), { masks: [local] }),
        observe('registry/tags-list.txt', "the pushed repository's tags", 'curl -s http://127.0.0.1:<PORT>/v2/<REPO>/tags/list', curl(`/v2/${repo.slice(repo.indexOf('/') + 1)}/tags/list`), { masks: [local] }),
      );
    } finally {
      run('docker', ['rmi', repo]);
    }
    const logs = run('docker', ['logs', name]);
    obs.push(
      // "Starting upload purge in Nm0s" comes from a goroutine at any point of these lines, or after them: left out.
      observe('registry/server-log.txt', 'the start-up lines (stderr, logrus), without the upload purge\'s', 'docker logs C (stderr), up to "listening on"', { ...logs, stdout: '', stderr: logs.stderr.slice(0, logs.stderr.indexOf('\n', logs.stderr.indexOf('listening on')) + 1).split('\n').filter((l) => !l.includes('Starting upload purge')).join('\n') }, { stream: 'stderr', unordered: true, masks: registryMasks }),
      observe('registry/version.txt', 'the version', 'docker exec C registry --version', run('docker', ['exec', name, 'registry', '--version'])),
    );
  } finally {
    remove(name);
  }
  // The htpasswd recipe's answers without credentials (the file need not hold a valid hash for these).
  const authName = start('registry', ['-p', '127.0.0.1::5000', '-e', 'REGISTRY_AUTH=htpasswd', '-e', 'REGISTRY_AUTH_HTPASSWD_REALM=Registry Realm', '-e', 'REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd'], []);
  try {
    await waitForLog(authName, /listening on/);
    const port = docker('port', authName, '5000/tcp').split('\n')[0].replace(/.*:/, '');
    const url = `http://127.0.0.1:${port}`;
    obs.push(
      observe('registry/unauthorized-v2.txt', 'htpasswd auth: /v2/ without credentials', 'curl -si http://127.0.0.1:<PORT>/v2/', run('curl', ['-si', `${url}/v2/`]), { masks: [mask.httpDate] }),
      observe('registry/unauthorized-catalog.txt', 'htpasswd auth: the catalog without credentials (its access record in the detail)', 'curl -s http://127.0.0.1:<PORT>/v2/_catalog', run('curl', ['-s', `${url}/v2/_catalog`])),
      observe('registry/unauthorized-push.txt', 'htpasswd auth: a blob upload without credentials (pull and push records)', 'curl -s -X POST http://127.0.0.1:<PORT>/v2/x/blobs/uploads/', run('curl', ['-s', '-X', 'POST', `${url}/v2/x/blobs/uploads/`])),
    );
    const logs = run('docker', ['logs', authName]);
    const provisioned = logs.stderr.split('\n').filter((l) => l.includes('htpasswd is missing')).join('\n') + '\n';
    obs.push(
      observe('registry/htpasswd-provisioned.txt', 'htpasswd auth with no file at the path: the registry writes one for the user docker and logs its password', 'docker logs C (stderr)', { ...logs, stdout: '', stderr: provisioned }, {
        stream: 'stderr',
        masks: [...registryMasks, (t) => t.replace(/password=\S+/, 'password=<VARIES>')],
      }),
    );
  } finally {
    remove(authName);
  }
  return obs;
}

/** Every observation, program by program, in README order. */
export async function observeAll() {
  return [...(await observeNginx()), ...(await observeRedis()), ...(await observeMariadb()), ...(await observeRegistry())];
}

const startCommands = {
  nginx: 'docker run -d --cpuset-cpus 0-1 -p 127.0.0.1::80 glassbox-fixture/nginx:debian',
  nginxNotice: `docker run -d --cpuset-cpus 0-1 glassbox-fixture/nginx:debian nginx -g 'daemon off; error_log stderr notice;'`,
  redis: 'docker run -d glassbox-fixture/redis:debian',
  redisNoArgs: 'docker run -d glassbox-fixture/redis:debian redis-server',
  mariadb: 'docker run -d glassbox-fixture/mariadb:debian',
  registry: 'docker run -d -p 127.0.0.1::5000 glassbox-fixture/registry:debian',
};

/** The fixtures' README: how they were made, the placeholders, and command → file. */
export function renderReadme(observations, versions) {
  const cell = (s) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Debian fixtures: what the real programs print',
    '',
    'Recorded by `node test/setup/record-services.mjs` (do not edit by hand) from the images',
    '`test/setup/service-images.sh` builds from Debian bookworm\'s packages; `test/agent/serviceFixtures.test.ts`',
    'reruns every observation on the real engine and fails when one no longer matches. Where the',
    "official Docker Hub images differ from these, and which one the simulator follows, is in",
    '[../DIFFERENCES.md](../DIFFERENCES.md).',
    '',
    'Files hold the bytes the program wrote, except the placeholders below (`<UPPER-CASE>` tokens;',
    '`matchesFixture` in [../match.ts](../match.ts) reads each as any text within one line, for tests',
    'that compare a simulated program with these). `docker top` tables keep their columns aligned',
    'after masking. Host-dependent lines are kept as this machine printed them',
    "(redis's overcommit warning, nginx's getrlimit notice, mariadb's max_open_files warning, SIMD and io_uring notes).",
    '',
    '| package versions | |',
    '| --- | --- |',
    ...Object.entries(versions).map(([program, v]) => `| ${program} | \`${v}\` |`),
    '',
    '| placeholder | stands for |',
    '| --- | --- |',
    ...placeholders.map(([p, what]) => `| \`${p}\` | ${cell(what)} |`),
  ];
  for (const program of Object.keys(images)) {
    lines.push('', `## ${program}`, '', `Unless the command starts its own, \`C\` is the container \`${startCommands[program]}\` started.`, '', '| command | stream | exit | file | what |', '| --- | --- | --- | --- | --- |');
    for (const o of observations.filter((x) => x.file.startsWith(`${program}/`))) {
      lines.push(`| \`${cell(o.command)}\` | ${o.stream} | ${o.exit} | [${o.file}](${o.file}) | ${cell(o.what)} |`);
    }
  }
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingImages();
  if (missing.length > 0) {
    console.error(`record-services: missing ${missing.join(', ')}: build them with test/setup/service-images.sh`);
    process.exit(1);
  }
  const observations = await observeAll();
  const previous = (file) => {
    try {
      return readFileSync(join(fixtureDir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  // A file whose lines only came in another order keeps its committed order: re-recording leaves no noise.
  const texts = observations.map((o) => {
    const before = previous(o.file);
    return before !== undefined && o.unordered && comparable(o, before) === comparable(o) ? before : o.text;
  });
  for (const program of Object.keys(images)) {
    rmSync(join(fixtureDir, program), { recursive: true, force: true });
    mkdirSync(join(fixtureDir, program), { recursive: true });
  }
  observations.forEach((o, i) => writeFileSync(join(fixtureDir, o.file), texts[i]));
  writeFileSync(join(fixtureDir, 'README.md'), renderReadme(observations, packageVersions()));
  const count = Object.keys(images).map((p) => `${p} ${readdirSync(join(fixtureDir, p)).length}`).join(', ');
  console.log(`record-services: wrote ${observations.length} fixtures (${count}) to ${fixtureDir}`);
}
