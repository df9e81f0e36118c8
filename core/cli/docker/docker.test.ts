import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

/** A terminal session against one simulated engine; lines are split on spaces unless given as arrays. */
class Session {
  readonly d = new EngineDriver('cli');
  private readonly docker = dockerCommand(this.d.engine);

  async run(line: string | string[], opts: { stdin?: string | null; tty?: boolean; interruptAfterMs?: number } = {}): Promise<Result> {
    const argv = typeof line === 'string' ? line.split(' ') : line;
    let stdout = '';
    let stderr = '';
    const interrupt = new InterruptSource();
    const p = this.docker(argv, {
      stdin: opts.stdin === undefined ? null : opts.stdin,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      interrupt,
      stdinIsTTY: opts.tty ?? false,
    });
    if (opts.interruptAfterMs !== undefined) {
      const at = this.d.scheduler.now() + opts.interruptAfterMs;
      this.d.scheduler.after(opts.interruptAfterMs, () => interrupt.interrupt());
      void at;
    }
    const code = await this.d.until(p);
    return { stdout, stderr, code };
  }

  /** Full id of a container by name. */
  id(name: string): string {
    return this.d.engine.resolve(name);
  }
}

/** Runs lines in order on one session, checking each result; `ID`/`SHORT` stand for the container named `web`. */
async function script(steps: [string | string[], Partial<Result>][]): Promise<Session> {
  const s = new Session();
  for (const [line, want] of steps) {
    const r = await s.run(line);
    let id = '';
    try {
      id = s.id('web');
    } catch {
      // not created yet
    }
    const sub = (t: string) => t.replaceAll('ID', id).replaceAll('SHORT', id.slice(0, 12));
    const expected: Partial<Result> = {};
    if (want.stdout !== undefined) expected.stdout = sub(want.stdout);
    if (want.stderr !== undefined) expected.stderr = sub(want.stderr);
    if (want.code !== undefined) expected.code = want.code;
    expect({ line, ...r }).toMatchObject({ line, ...expected });
  }
  return s;
}

describe('docker CLI', () => {
  it('runs a container in the foreground and returns its exit code', async () => {
    await script([
      [['docker', 'run', 'busybox', 'echo', 'hello'], { stdout: 'hello\n', stderr: '', code: 0 }],
      [['docker', 'run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { stdout: 'out\n', stderr: 'err\n', code: 3 }],
      ['docker run --rm busybox false', { stdout: '', code: 1 }],
    ]);
  });

  it.each([
    ['docker run --rm busybox /nonexistent', 127, 'exec: "/nonexistent": stat /nonexistent: no such file or directory'],
    ['docker run --rm busybox nosuchcmd', 127, 'exec: "nosuchcmd": executable file not found in $PATH'],
    ['docker run --rm busybox /etc', 126, 'exec: "/etc": permission denied'],
  ])('%s → %i with the OCI error', async (line, code, reason) => {
    const r = await new Session().run(line);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(
      `docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${reason}: unknown\n\nRun 'docker run --help' for more information\n`,
    );
  });

  it('reports an unknown image as a failed pull (125)', async () => {
    expect(await new Session().run('docker run nosuch')).toEqual({
      stdout: '',
      stderr:
        "Unable to find image 'nosuch:latest' locally\ndocker: Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n\nRun 'docker run --help' for more information\n",
      code: 125,
    });
  });

  it('walks the whole lifecycle with Docker’s outputs and refusals', async () => {
    await script([
      ['docker run -d --name web busybox sleep 1000', { stdout: 'ID\n', code: 0 }],
      [
        'docker run --name web busybox true',
        {
          stderr:
            'docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "ID". You have to remove (or rename) that container to be able to reuse that name.\n\nRun \'docker run --help\' for more information\n',
          code: 125,
        },
      ],
      ['docker pause web', { stdout: 'web\n', code: 0 }],
      ['docker pause web', { stdout: '', stderr: 'Error response from daemon: Container ID is already paused\n', code: 1 }],
      ['docker start web', { stderr: 'Error response from daemon: cannot start a paused container, try unpause instead\nError: failed to start containers: web\n', code: 1 }],
      ['docker rm web', { stderr: 'Error response from daemon: cannot remove container "web": container is paused and must be unpaused first\n', code: 1 }],
      ['docker unpause web', { stdout: 'web\n', code: 0 }],
      ['docker unpause web', { stderr: 'Error response from daemon: Container ID is not paused\n', code: 1 }],
      ['docker rm web', { stderr: 'Error response from daemon: cannot remove container "web": container is running: stop the container before removing or force remove\n', code: 1 }],
      ['docker kill -s HUP web', { stdout: 'web\n', code: 0 }],
      ['docker kill web', { stdout: 'web\n', code: 0 }],
      ['docker kill web', { stderr: 'Error response from daemon: cannot kill container: web: Container ID is not running\n', code: 1 }],
      ['docker ps -a --format {{.Names}}|{{.Status}}', { stdout: 'web|Exited (137) Less than a second ago\n', code: 0 }],
      ['docker start web', { stdout: 'web\n', code: 0 }],
      ['docker stop -t 1 web', { stdout: 'web\n', code: 0 }],
      ['docker stop web', { stdout: 'web\n', code: 0 }],
      ['docker rm web', { stdout: 'web\n', code: 0 }],
      ['docker rm web', { stderr: 'Error response from daemon: No such container: web\n', code: 1 }],
      ['docker rm -f web', { stdout: '', stderr: 'Error response from daemon: No such container: web\n', code: 0 }],
    ]);
  });

  it('stops several containers, printing each name and each error', async () => {
    await script([
      ['docker run -d --name aa busybox sleep 100', { code: 0 }],
      ['docker run -d --name bb busybox sleep 100', { code: 0 }],
      ['docker stop nosuch1 aa bb nosuch2', { stdout: 'aa\nbb\n', stderr: 'Error response from daemon: No such container: nosuch1\nError response from daemon: No such container: nosuch2\n', code: 1 }],
    ]);
  });

  it('docker stop waits the default 10 s for sleep, in parallel for several', async () => {
    const s = new Session();
    await s.run('docker run -d --name aa busybox sleep 100');
    await s.run('docker run -d --name bb busybox sleep 100');
    const t0 = s.d.scheduler.now();
    expect((await s.run('docker stop aa bb')).stdout).toBe('aa\nbb\n');
    expect(s.d.scheduler.now() - t0).toBe(10_000);
  });

  it('prints ps tables as Docker does', async () => {
    const s = await script([
      [['docker', 'run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 2'], { code: 0 }],
      ['docker create --name idle busybox echo hi', { code: 0 }],
    ]);
    const idle = s.id('idle').slice(0, 12);
    const web = s.id('web').slice(0, 12);
    expect((await s.run('docker ps')).stdout).toBe('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
    expect((await s.run('docker ps -a')).stdout).toBe(
      'CONTAINER ID   IMAGE     COMMAND                  CREATED                  STATUS                              PORTS     NAMES\n' +
        `${idle}   busybox   "echo hi"                Less than a second ago   Created                                       idle\n` +
        `${web}   busybox   "sh -c 'echo out; ec…"   Less than a second ago   Exited (2) Less than a second ago             web\n`,
    );
    expect((await s.run('docker ps -a -q')).stdout).toBe(`${idle}\n${web}\n`);
    expect((await s.run('docker ps -aq --no-trunc')).stdout).toBe(`${s.id('idle')}\n${s.id('web')}\n`);
    expect((await s.run(['docker', 'ps', '-a', '--no-trunc', '--format', '{{.Command}}'])).stdout).toBe(`"echo hi"\n"sh -c 'echo out; echo err >&2; exit 2'"\n`);
    expect((await s.run(['docker', 'ps', '-a', '--format', 'table {{.Names}}\\t{{.State}}'])).stdout).toBe('NAMES     STATE\nidle      created\nweb       exited\n');
    expect((await s.run('docker ps -l --format {{.Names}}')).stdout).toBe('idle\n');
    expect((await s.run('docker ps -a -f status=exited --format {{.Names}}')).stdout).toBe('web\n');
  });

  it.each([
    ['docker ps -f foo=bar', '', "Error response from daemon: invalid filter 'foo'\n", 1],
    ['docker ps -f status=bogus', '', "Error response from daemon: invalid filter 'status=bogus'\n", 1],
    ['docker ps -f exited=abc', '', 'Error response from daemon: strconv.Atoi: parsing "abc": invalid syntax\n', 1],
    ['docker ps -f foo', '', 'invalid argument "foo" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  docker ps [OPTIONS]\n\nRun \'docker ps --help\' for more information\n', 125],
    ['docker ps --foo', '', "unknown flag: --foo\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information\n", 125],
    ['docker ps -n', '', "flag needs an argument: 'n' in -n\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information\n", 125],
    // run and create print flag errors without the "docker: " prefix, as the 28.2.2 client does.
    ['docker run --bogus busybox', '', "unknown flag: --bogus\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information\n", 125],
    ['docker create --bogus busybox', '', "unknown flag: --bogus\n\nUsage:  docker create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker create --help' for more information\n", 125],
    ['docker run --rm --stop-timeout x busybox true', '', 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun \'docker run --help\' for more information\n', 125],
    ['docker start', '', "docker: 'docker start' requires at least 1 argument\n\nUsage:  docker start [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker start --help' for more information\n", 1],
    ['docker container start', '', "docker: 'docker container start' requires at least 1 argument\n\nUsage:  docker container start [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker container start --help' for more information\n", 1],
    ['docker logs', '', "docker: 'docker logs' requires 1 argument\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information\n", 1],
    ['docker foo', '', "docker: unknown command: docker foo\n\nRun 'docker --help' for more information\n", 1],
    ['docker container foo', '', "docker: unknown command: docker container foo\n\nUsage:  docker container\n\nRun 'docker container --help' for more information\n", 1],
    ['docker run --rm --restart always busybox true', '', "docker: conflicting options: cannot specify both --restart and --rm\n\nRun 'docker run --help' for more information\n", 125],
    ['docker run --restart bogus busybox true', '', "docker: Error response from daemon: invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'\n\nRun 'docker run --help' for more information\n", 125],
    // The client checks the format and the --rm conflict before the daemon sees the policy's name.
    ['docker run --rm --restart bogus busybox true', '', "docker: conflicting options: cannot specify both --restart and --rm\n\nRun 'docker run --help' for more information\n", 125],
    ['docker run --rm --restart on-failure:x busybox true', '', "docker: invalid restart policy format: maximum retry count must be an integer\n\nRun 'docker run --help' for more information\n", 125],
    ['docker create --restart :3 busybox', '', "docker: invalid restart policy format: no policy provided before colon\n\nRun 'docker create --help' for more information\n", 125],
    ['docker create --restart on-failure:1:2 busybox', '', "docker: invalid restart policy format: maximum retry count must be an integer\n\nRun 'docker create --help' for more information\n", 125],
    ['docker create --restart always:3 busybox', '', "Error response from daemon: invalid restart policy: maximum retry count can only be used with 'on-failure'\n", 1],
    ['docker create --restart no:-3 busybox', '', "Error response from daemon: invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative\n", 1],
    ['docker create --restart on-failure:-1 busybox', '', 'Error response from daemon: invalid restart policy: maximum retry count cannot be negative\n', 1],
    ['docker create --restart sometimes nosuchimage', '', "Error response from daemon: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'\n", 1],
    ['docker create --stop-signal BOGUS busybox', '', 'Error response from daemon: invalid signal: BOGUS\n', 1],
    ['docker run --rm --stop-signal 0 busybox true', '', "docker: Error response from daemon: invalid signal: 0\n\nRun 'docker run --help' for more information\n", 125],
    // --pull: checked first by the client; never fails on a missing image without trying a pull.
    ['docker run --pull bogus --rm --restart always busybox true', '', 'docker: invalid pull option: \'bogus\': must be one of "always", "missing" or "never"\n\nRun \'docker run --help\' for more information\n', 125],
    ['docker create --pull bogus busybox', '', 'docker: invalid pull option: \'bogus\': must be one of "always", "missing" or "never"\n\nRun \'docker create --help\' for more information\n', 125],
    ['docker run --rm --pull never nosuch', '', "docker: Error response from daemon: No such image: nosuch:latest\n\nRun 'docker run --help' for more information\n", 125],
    ['docker create --pull never nosuch', '', 'Error response from daemon: No such image: nosuch:latest\n', 1],
    ['docker run --rm --pull=always nosuch', '', "docker: Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n\nRun 'docker run --help' for more information\n", 125],
    ['docker run --rm --pull never busybox echo hi', 'hi\n', '', 0],
    ['docker create --name x busybox', '', 'Error response from daemon: Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n', 1],
    ['docker inspect nosuch', '[]\n', 'Error: No such object: nosuch\n', 1],
    ['docker container inspect busybox', '[]\n', 'Error response from daemon: No such container: busybox\n', 1],
    ['docker inspect --type image nosuch', '[]\n', 'Error response from daemon: no such image: nosuch: No such image: nosuch:latest\n', 1],
    ['docker logs nosuch', '', 'Error response from daemon: No such container: nosuch\n', 1],
    ['docker wait nosuch', '', 'Error response from daemon: No such container: nosuch\n', 1],
    ['docker kill nosuch', '', 'Error response from daemon: cannot kill container: nosuch: No such container: nosuch\n', 1],
    ['docker start nosuch', '', 'Error response from daemon: No such container: nosuch\nError: failed to start containers: nosuch\n', 1],
    ['docker inspect --type foo x', '', 'unknown type: "foo": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n', 1],
    ['docker -v', 'Docker version 28.2.2, build e6534b4\n', '', 0],
  ])('%s', async (line, stdout, stderr, code) => {
    expect(await new Session().run(line)).toEqual({ stdout, stderr, code });
  });

  it('a status filter lists stopped containers without -a; an exited filter does not', async () => {
    const s = await script([['docker run --name web busybox true', { code: 0 }]]);
    expect((await s.run('docker ps -f status=exited --format {{.Names}}')).stdout).toBe('web\n');
    expect((await s.run('docker ps -f exited=0 --format {{.Names}}')).stdout).toBe('');
    expect((await s.run('docker ps -a -f exited=0 --format {{.Names}}')).stdout).toBe('web\n');
  });

  it.each([
    // TemplateInspector.Flush prints an empty line when nothing was printed.
    [['docker', 'inspect', '--format', '{{.Id}}', 'nosuch'], '\n', 'Error: No such object: nosuch\n', 1],
    [['docker', 'inspect', '--format', '{{.Name}}', 'nosuch', 'web'], '/web\n', 'Error: No such object: nosuch\n', 1],
    // A template that does not parse is exit 64, before any lookup.
    [['docker', 'inspect', '--format', '{{.State.Status', 'web', 'nosuch'], '', 'template parsing error: template: :1: unclosed action\n', 64],
    // An element that fails to execute adds its error; the others are still printed.
    [['docker', 'inspect', '--format', '{{.Config.Cmd.Foo}}', 'web', 'nosuch'], '\n', 'template parsing error: template: :1:9: executing "" at <.Config.Cmd.Foo>: can\'t evaluate field Foo in type interface {}\nError: No such object: nosuch\n', 1],
    // The format is not docker ps's: no table prefix, no \t escape, no trimming.
    [['docker', 'inspect', '--format', ' table\\t{{.Name}} ', 'web'], ' table\\t/web \n', '', 0],
  ])('inspect %j', async (argv, stdout, stderr, code) => {
    const s = await script([['docker create --name web busybox', { code: 0 }]]);
    expect(await s.run(argv)).toEqual({ stdout, stderr, code });
  });

  it('--stop-signal and --stop-timeout: recorded in Config (omitted when unset) and used by docker stop', async () => {
    const s = await script([
      [['docker', 'run', '-d', '--name', 'web', '--stop-signal', 'KILL', 'busybox', 'sleep', '100'], { code: 0 }],
      [['docker', 'inspect', '-f', '{{.Config.StopSignal}}|{{.Config.StopTimeout}}', 'web'], { stdout: 'KILL|<nil>\n' }],
      ['docker stop web', { stdout: 'web\n', code: 0 }],
      [['docker', 'inspect', '-f', '{{.State.ExitCode}}', 'web'], { stdout: '137\n' }],
      [['docker', 'run', '-d', '--name', 'slow', '--stop-timeout', '3', 'busybox', 'sleep', '100'], { code: 0 }],
      [['docker', 'inspect', '-f', '{{json .Config.StopTimeout}} {{printf "%q" .Config.StopSignal}}', 'slow'], { stdout: '3 ""\n' }],
      [['docker', 'create', '--name', 'plain', 'busybox'], { code: 0 }],
    ]);
    const t0 = s.d.scheduler.now();
    await s.run('docker stop slow');
    expect(s.d.scheduler.now() - t0).toBe(3000);
    const config = (await s.run(['docker', 'inspect', '-f', '{{json .Config}}', 'plain'])).stdout;
    expect(config).not.toContain('Stop');
    expect(config).toContain('"Labels":{}}');
    expect((await s.run(['docker', 'inspect', '-f', '{{json .Config}}', 'web'])).stdout).toContain('"Labels":{},"StopSignal":"KILL"}');
  });

  it('docker create records AttachStdout/AttachStderr as run does; run -d clears them', async () => {
    const s = await script([
      ['docker create --name web busybox', { code: 0 }],
      ['docker create -i --name in busybox', { code: 0 }],
      ['docker run -d --name bg busybox sleep 9', { code: 0 }],
    ]);
    const attach = async (n: string) => (await s.run(['docker', 'inspect', '-f', '{{.Config.AttachStdin}} {{.Config.AttachStdout}} {{.Config.AttachStderr}} {{.Config.StdinOnce}}', n])).stdout;
    expect(await attach('web')).toBe('false true true false\n');
    expect(await attach('in')).toBe('true true true true\n');
    expect(await attach('bg')).toBe('false false false false\n');
  });

  it('--pull always pulls first: an image the registry has is up to date', async () => {
    const r = await new Session().run('docker run --rm --pull always busybox echo hi');
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toMatch(/^latest: Pulling from library\/busybox\nDigest: sha256:[0-9a-f]{64}\nStatus: Image is up to date for busybox:latest\n$/);
    expect(r.code).toBe(0);
  });

  it('shows help: docker (stderr), docker --help (stdout), command --help', async () => {
    const s = new Session();
    const bare = await s.run(['docker']);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage:  docker \[OPTIONS\] COMMAND\n\nA self-sufficient runtime for containers\n/);
    expect(bare.code).toBe(0);
    expect((await s.run('docker --help')).stdout).toBe(bare.stderr);
    expect((await s.run('docker start --help')).stdout).toMatch(/^Usage:  docker start \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]\n\nStart one or more stopped containers\n/);
    expect((await s.run('docker container ls --help')).stdout).toMatch(/^Usage:  docker container ls \[OPTIONS\]\n/);
  });

  it('the deprecated --time still works, with its notice on stdout', async () => {
    await script([
      ['docker run -d --name web busybox sleep 100', { code: 0 }],
      ['docker stop --time 0 web', { stdout: 'Flag --time has been deprecated, use --timeout instead\nweb\n', code: 0 }],
    ]);
  });

  it('start -a attaches and returns the exit code; logs and wait read it back', async () => {
    await script([
      [['docker', 'create', '--name', 'web', 'busybox', 'sh', '-c', 'echo one; echo two >&2; exit 4'], { stdout: 'ID\n', code: 0 }],
      ['docker start -a web', { stdout: 'one\n', stderr: 'two\n', code: 4 }],
      ['docker start -a web web', { stderr: 'you cannot start and attach multiple containers at once\n', code: 1 }],
      ['docker logs web', { stdout: 'one\n', stderr: 'two\n', code: 0 }],
      ['docker logs --tail 1 web', { stdout: '', stderr: 'two\n', code: 0 }],
      ['docker logs -t web', { stdout: '2026-01-01T00:00:00.000000000Z one\n', code: 0 }],
      ['docker wait web', { stdout: '4\n', code: 0 }],
      ['docker wait nosuch web', { stdout: '4\n', stderr: 'Error response from daemon: No such container: nosuch\n', code: 1 }],
    ]);
  });

  it('inspect prints the container JSON (4 spaces) and --format templates', async () => {
    const s = await script([[['docker', 'run', '-d', '--name', 'web', '-e', 'A=1', 'busybox', 'echo', '<a&b>'], { code: 0 }]]);
    const r = await s.run('docker inspect web');
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(Object.keys(parsed[0]!).slice(0, 8)).toEqual(['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath']);
    expect(r.stdout).toContain('\n        "Args": [\n            "<a&b>"\n        ],\n');
    expect(parsed[0]).toMatchObject({ Name: '/web', Path: 'echo', State: { Status: 'exited', ExitCode: 0 }, Config: { Env: ['A=1', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['echo', '<a&b>'], Image: 'busybox' } });
    expect((await s.run(['docker', 'inspect', '-f', '{{.State.Status}} {{.Name}} {{json .Config.Cmd}}', 'web'])).stdout).toBe('exited /web ["echo","<a&b>"]\n');
    expect(await s.run(['docker', 'inspect', '-f', '{{.Foo}}', 'web'])).toEqual({
      stdout: '\n',
      stderr: 'template parsing error: template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"\n',
      code: 1,
    });
    expect((await s.run(['docker', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it('formats like the client’s typed structs: nil slices as [], struct fields in order, the map fallback for errors', async () => {
    const s = await script([[['docker', 'run', '-d', '--name', 'web', 'busybox', 'sleep', '9'], { code: 0 }]]);
    const fmt = async (f: string) => (await s.run(['docker', 'inspect', '-f', f, 'web'])).stdout;
    expect(await fmt('{{.Config.Entrypoint}} {{.ExecIDs}} {{.Config.Labels}} {{json .Config.Entrypoint}}')).toBe('[] [] map[] null\n');
    expect(await fmt('{{json .State}}')).toMatch(/^\{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":[0-9]+,"ExitCode":0,"Error":"","StartedAt":"2026-01-01T00:00:00Z","FinishedAt":"0001-01-01T00:00:00Z"\}\n$/);
    expect(await fmt('{{json .Config.Env}}')).toBe('["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]\n');
  });

  it('ps --format json and {{json .}} print ContainerContext’s sorted map; .Size asks for sizes', async () => {
    const s = await script([[['docker', 'run', '-d', '--name', 'web', 'busybox', 'sleep', '9'], { code: 0 }]]);
    const row = (size: string) =>
      `{"Command":"\\"sleep 9\\"","CreatedAt":"2026-01-01 00:00:00 +0000 UTC","ID":"${s.id('web').slice(0, 12)}","Image":"busybox","Labels":"","LocalVolumes":"0","Mounts":"","Names":"web","Networks":"bridge","Platform":null,"Ports":"","RunningFor":"Less than a second ago","Size":"${size}","State":"running","Status":"Up Less than a second"}\n`;
    expect((await s.run('docker ps --format json')).stdout).toBe(row('0B'));
    expect((await s.run(['docker', 'ps', '--format', '{{json .}}'])).stdout).toBe(row('0B (virtual 1.98MB)'));
    expect((await s.run(['docker', 'ps', '--format', '{{.Size}}|{{.Label "x"}}|{{.Networks}}'])).stdout).toBe('0B (virtual 1.98MB)||bridge\n');
  });

  it('pipes stdin to -i containers; -it without a terminal is refused', async () => {
    const s = new Session();
    expect(await s.run('docker run --rm -i busybox cat', { stdin: 'hi\n' })).toEqual({ stdout: 'hi\n', stderr: '', code: 0 });
    expect(await s.run('docker run --rm -i busybox sh', { stdin: 'echo from-stdin; exit 4\n' })).toEqual({ stdout: 'from-stdin\n', stderr: '', code: 4 });
    expect(await s.run('docker run -it --rm busybox sh', { stdin: '' })).toEqual({ stdout: '', stderr: 'the input device is not a TTY\n', code: 1 });
    expect(await s.run('docker run --rm busybox sh')).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('without a terminal and with nothing piped, -i sees end of input at once; a terminal keeps it open', async () => {
    const s = new Session();
    expect(await s.run('docker run -i --rm busybox sh')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await s.run('docker run -i --rm busybox cat')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await s.run('docker run -i --rm busybox cat', { stdin: 'hi\n' })).toEqual({ stdout: 'hi\n', stderr: '', code: 0 });
    expect(await s.run('docker create -i --name again busybox sh')).toMatchObject({ code: 0 });
    expect(await s.run('docker start -a -i again')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(await s.run('docker start -a -i again', { stdin: 'echo piped; exit 3\n' })).toEqual({ stdout: 'piped\n', stderr: '', code: 3 });
    // The web terminal: stdin is the terminal, so the container waits for typing.
    const open = await pressCtrlC(['docker', 'run', '-i', '--name', 'cc', 'busybox', 'cat'], 0, { stdinIsTTY: true });
    expect({ code: open.code, state: open.state }).toEqual({ code: undefined, state: 'running' });
  });

  it('-t without -i needs no terminal (output in CRLF); -it does', async () => {
    const s = new Session();
    expect(await s.run('docker run -t --rm busybox echo hi')).toEqual({ stdout: 'hi\r\n', stderr: '', code: 0 });
    expect(await s.run('docker run -it --rm busybox echo hi')).toEqual({ stdout: '', stderr: 'the input device is not a TTY\n', code: 1 });
    expect((await s.run('docker ps -aq')).stdout).toBe('');
  });

  it('Ctrl-C on an attached run is proxied as SIGINT (ignored by sleep as PID 1, obeyed by top)', async () => {
    const s = new Session();
    const r = await s.run('docker run --name tt busybox top', { interruptAfterMs: 1000 });
    expect(r.code).toBe(130);
    const events = s.d.actions(s.d.engine.resolve('tt'));
    expect(events).toEqual(['create', 'attach', 'start', 'kill[2]', 'die(130)']);
    const sleeper = new Session();
    const p = sleeper.run('docker run --name zz busybox sleep 5', { interruptAfterMs: 1000 });
    expect((await p).code).toBe(0);
    expect(sleeper.d.scheduler.now() - Date.UTC(2026, 0, 1)).toBe(5000);
  });

  /** Starts `argv` and presses Ctrl-C `presses` times, a second apart; returns what the client did by then. */
  async function pressCtrlC(argv: string[], presses: number, opts: { stdinIsTTY?: boolean } = {}) {
    const s = new Session();
    const interrupt = new InterruptSource();
    let stdout = '';
    let stderr = '';
    let code: number | undefined;
    void dockerCommand(s.d.engine)(argv, {
      stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt, stdinIsTTY: opts.stdinIsTTY ?? false,
    }).then((c) => (code = c));
    for (let i = 0; i < presses; i++) {
      await s.d.advance(1000);
      interrupt.interrupt();
    }
    await s.d.advance(100);
    return { s, stdout, stderr, code, events: s.d.actions(s.id('cc')), state: s.d.state(s.id('cc')) };
  }

  // As the 28.2.2 client does (checked with `kill -INT` on a real `docker run busybox sleep 30`).
  it.each([
    [['docker', 'run', '--name', 'cc', 'busybox', 'sleep', '30'], 2, undefined, ''],
    [['docker', 'run', '--name', 'cc', 'busybox', 'sleep', '30'], 3, 1, '\ngot 3 SIGTERM/SIGINTs, forcefully exiting\n'],
    [['docker', 'run', '--rm', '--name', 'cc', 'busybox', 'tail', '-f', '/dev/null'], 3, 1, '\ngot 3 SIGTERM/SIGINTs, forcefully exiting\n'],
    // -t without -i is no keystroke: the client still proxies and counts.
    [['docker', 'run', '-t', '--name', 'cc', 'busybox', 'sleep', '30'], 3, 1, '\ngot 3 SIGTERM/SIGINTs, forcefully exiting\n'],
  ])('%j with %i Ctrl-C: each proxied, the third ends the client', async (argv, presses, code, stderr) => {
    const r = await pressCtrlC(argv, presses);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr });
    expect(r.state).toBe('running');
    expect(r.events.filter((e) => e === 'kill[2]')).toHaveLength(presses);
  });

  it('a PID 1 that traps SIGINT ends on the first Ctrl-C, and run returns its status', async () => {
    const r = await pressCtrlC(['docker', 'run', '--name', 'cc', 'busybox', 'sh', '-c', 'trap "echo trapped; exit 5" INT; sleep 30 & wait'], 1);
    expect({ code: r.code, stdout: r.stdout, state: r.state }).toEqual({ code: 5, stdout: 'trapped\n', state: 'exited' });
  });

  it('docker start -a: the first Ctrl-C is proxied and the client leaves with 0', async () => {
    const s = new Session();
    await s.run(['docker', 'create', '--name', 'cc', 'busybox', 'sh', '-c', 'trap "exit 5" INT; sleep 30 & wait']);
    const interrupt = new InterruptSource();
    const started = dockerCommand(s.d.engine)(['docker', 'start', '-a', 'cc'], { stdin: null, stdout: () => {}, stderr: () => {}, interrupt, stdinIsTTY: false });
    await s.d.advance(1000);
    interrupt.interrupt();
    expect(await started).toBe(0);
    await s.d.advance(100);
    expect(s.d.actions(s.id('cc'))).toEqual(['create', 'attach', 'start', 'kill[2]', 'die(5)']);
  });

  it('with a tty, Ctrl-C detaches the client and the container keeps running', async () => {
    const s = new Session();
    const r = await s.run('docker run -it --name shell busybox sh', { tty: true, interruptAfterMs: 1000 });
    expect(r).toEqual({ stdout: "\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n/ # ", stderr: '', code: 0 });
    expect((await s.run('docker ps --format {{.Names}}:{{.State}}')).stdout).toBe('shell:running\n');
  });

  it('docker run -d --rm then rm -f leaves nothing behind', async () => {
    const s = new Session();
    const { stdout } = await s.run('docker run -d --rm busybox sleep 100');
    expect(await s.run(['docker', 'rm', '-f', stdout.trim().slice(0, 12)])).toEqual({ stdout: stdout.trim().slice(0, 12) + '\n', stderr: '', code: 0 });
    expect((await s.run('docker ps -aq')).stdout).toBe('');
  });

  it('restart prints the name and restarts; restart policy shows in ps', async () => {
    await script([
      ['docker run -d --name web --restart always busybox false', { code: 0 }],
      ['docker ps --format {{.Status}}', { stdout: 'Restarting (1) Less than a second ago\n' }],
      ['docker inspect -f {{.RestartCount}}:{{.HostConfig.RestartPolicy.Name}} web', { stdout: '1:always\n' }],
      ['docker stop web', { stdout: 'web\n', code: 0 }],
      ['docker restart web', { stdout: 'web\n', code: 0 }],
    ]);
  });
});
