/**
 * docker.service as Debian 12's docker.io installs it (/lib/systemd/system is
 * /usr/lib/systemd/system on a merged-/usr system): what `vi` shows of it. The
 * simulated systemd starts dockerd from its own model (dockerService.ts) and
 * reads dockerd's settings from /etc/docker/daemon.json only, so a changed
 * unit is refused at save time rather than saved without effect.
 */
export const DOCKER_SERVICE_PATH = '/usr/lib/systemd/system/docker.service';

export const DOCKER_SERVICE_UNIT = [
  '[Unit]',
  'Description=Docker Application Container Engine',
  'Documentation=https://docs.docker.com',
  'After=network-online.target docker.socket firewalld.service containerd.service',
  'Wants=network-online.target containerd.service',
  'Requires=docker.socket',
  '',
  '[Service]',
  'Type=notify',
  '# the default is not to use systemd for cgroups because the delegate issues still',
  '# exists and systemd currently does not support the cgroup feature set required',
  '# for containers run by docker',
  'EnvironmentFile=-/etc/default/docker',
  'ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS',
  'ExecReload=/bin/kill -s HUP $MAINPID',
  'LimitNOFILE=1048576',
  '# Having non-zero Limit*s causes performance problems due to accounting overhead',
  '# in the kernel. We recommend using cgroups to do container-local accounting.',
  'LimitNPROC=infinity',
  'LimitCORE=infinity',
  '# Uncomment TasksMax if your systemd version supports it.',
  '# Only systemd 226 and above support this version.',
  'TasksMax=infinity',
  'TimeoutStartSec=0',
  '# set delegate yes so that systemd does not reset the cgroups of docker containers',
  'Delegate=yes',
  '# kill only the docker process, not all processes in the cgroup',
  'KillMode=process',
  '# restart the docker process if it exits prematurely',
  'Restart=on-failure',
  'StartLimitBurst=3',
  'StartLimitInterval=60s',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
].join('\n') + '\n';

/** Why a save of `text` to `path` is refused (a changed docker.service), or undefined to save it. */
export function unitSaveRefusal(path: string, text: string): string | undefined {
  if (path !== DOCKER_SERVICE_PATH || text === DOCKER_SERVICE_UNIT) return undefined;
  return 'glassbox: changes to docker.service are not simulated yet (the simulated dockerd takes its settings from /etc/docker/daemon.json): quit without saving, or edit daemon.json';
}
