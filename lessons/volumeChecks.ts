import type { MountSnapshot, Snapshot } from '../core/model';
import { containerNamed, type Localized } from './lesson';

/**
 * Check sentences over volumes and container mounts (lesson 11 and the
 * registry's storage in lesson 12): whether a volume exists, and what is
 * mounted at a path in a container — its type, its volume or host source,
 * and whether it is read-only. (Not `source`: a check's atom already has
 * that field, the sentence it was read from.) They read `ContainerSnapshot.mounts`,
 * which both backends fill, and `Snapshot.volumes`, which only the simulator
 * fills so far (on the agent `volume V exists` cannot hold yet).
 */
export type VolumeAtom =
  | { form: 'volume'; volume: string; present: boolean }
  | { form: 'mount'; name: string; type: MountSnapshot['type']; destination: string; volume?: string; anonymous?: boolean; hostPath?: string; readOnly?: boolean };

const NAME = String.raw`(\S+)`;
const PATH = String.raw`(/\S*)`;
const MODE = String.raw`(?: (read-only|read-write))?`;

function readOnly(mode: string | undefined): { readOnly?: boolean } {
  return mode === undefined ? {} : { readOnly: mode === 'read-only' };
}

/** The sentence forms, tried in order after checks.ts's own. */
export const VOLUME_FORMS: [RegExp, (m: RegExpMatchArray) => VolumeAtom | string][] = [
  [re(`volume ${NAME} exists`), (m) => ({ form: 'volume', volume: m[1]!, present: true })],
  [re(`volume ${NAME} is absent`), (m) => ({ form: 'volume', volume: m[1]!, present: false })],
  [re(`container ${NAME} mounts an anonymous volume at ${PATH}${MODE}`), (m) => ({ form: 'mount', name: m[1]!, type: 'volume', anonymous: true, destination: m[2]!, ...readOnly(m[3]) })],
  [re(`container ${NAME} mounts volume ${NAME} at ${PATH}${MODE}`), (m) => ({ form: 'mount', name: m[1]!, type: 'volume', volume: m[2]!, destination: m[3]!, ...readOnly(m[4]) })],
  [re(`container ${NAME} bind-mounts ${PATH} at ${PATH}${MODE}`), (m) => ({ form: 'mount', name: m[1]!, type: 'bind', hostPath: m[2]!, destination: m[3]!, ...readOnly(m[4]) })],
  [re(`container ${NAME} mounts tmpfs at ${PATH}${MODE}`), (m) => ({ form: 'mount', name: m[1]!, type: 'tmpfs', destination: m[2]!, ...readOnly(m[3]) })],
];

function re(source: string): RegExp {
  return new RegExp(`^${source}$`);
}

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const q = (s: string | number): string => `\`${s}\``;

/** Null when the volume check holds in `s`; else why not, in each language. */
export function volumeWhyNot(a: VolumeAtom, s: Snapshot): Localized | null {
  if (a.form === 'volume') {
    const there = (s.volumes ?? []).some((v) => v.name === a.volume);
    if (there === a.present) return null;
    return a.present ? L(`no volume named ${q(a.volume)}`, `没有名为 ${q(a.volume)} 的卷`) : L(`volume ${q(a.volume)} still exists`, `卷 ${q(a.volume)} 仍然存在`);
  }
  const c = containerNamed(s, a.name);
  if (!c) return L(`no container named ${q(a.name)}`, `没有名为 ${q(a.name)} 的容器`);
  const mounts = c.mounts ?? [];
  const m = mounts.find((x) => x.destination === a.destination);
  if (!m) {
    const list = mounts.map((x) => `${describe(x, s).en} at ${q(x.destination)}`);
    const zh = mounts.map((x) => `${q(x.destination)} 上的${describe(x, s)['zh-CN']}`);
    return L(
      `${q(a.name)} has nothing mounted at ${q(a.destination)} (${list.length ? `it mounts ${list.join(', ')}` : 'it has no mounts'})`,
      `${q(a.name)} 在 ${q(a.destination)} 上没有挂载（${zh.length ? `它挂载的是 ${zh.join('、')}` : '它没有任何挂载'}）`,
    );
  }
  const here = L(`at ${q(a.destination)} in ${q(a.name)}`, `${q(a.name)} 的 ${q(a.destination)} 上`);
  const want = describeWanted(a);
  const anonymous = m.type === 'volume' && isAnonymous(m.name, s);
  const sameKind = m.type === a.type && (a.anonymous === undefined || a.anonymous === anonymous);
  if (!sameKind || (a.volume !== undefined && m.name !== a.volume) || (a.hostPath !== undefined && m.source !== a.hostPath)) {
    const have = describe(m, s);
    return L(`${here.en} is ${have.en}, not ${want.en}`, `${here['zh-CN']}挂载的是${have['zh-CN']}，不是${want['zh-CN']}`);
  }
  if (a.readOnly !== undefined && a.readOnly === m.rw) {
    return a.readOnly
      ? L(`the mount ${here.en} is read-write, not read-only`, `${here['zh-CN']}的挂载是可读写的，不是只读的`)
      : L(`the mount ${here.en} is read-only, not read-write`, `${here['zh-CN']}的挂载是只读的，不是可读写的`);
  }
  return null;
}

/** A volume made without a name (`-v /path`, an image's VOLUME): the store says so, else its name is 64 hex digits. */
function isAnonymous(name: string, s: Snapshot): boolean {
  const v = (s.volumes ?? []).find((x) => x.name === name);
  return v ? v.anonymous : /^[0-9a-f]{64}$/.test(name);
}

function describe(m: MountSnapshot, s: Snapshot): Localized {
  if (m.type === 'bind') return L(`a bind mount of ${q(m.source)}`, ` ${q(m.source)} 的绑定挂载`);
  if (m.type === 'tmpfs') return L('a tmpfs', ' tmpfs');
  if (isAnonymous(m.name, s)) return L(`an anonymous volume (${q(m.name.slice(0, 12))}…)`, `匿名卷（${q(m.name.slice(0, 12))}…）`);
  return L(`volume ${q(m.name)}`, `卷 ${q(m.name)}`);
}

function describeWanted(a: Extract<VolumeAtom, { form: 'mount' }>): Localized {
  if (a.type === 'bind') return L(`a bind mount of ${q(a.hostPath!)}`, ` ${q(a.hostPath!)} 的绑定挂载`);
  if (a.type === 'tmpfs') return L('a tmpfs', ' tmpfs');
  if (a.anonymous) return L('an anonymous volume', '匿名卷');
  return L(`volume ${q(a.volume!)}`, `卷 ${q(a.volume!)}`);
}
