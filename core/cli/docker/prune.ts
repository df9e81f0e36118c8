import type { DeleteRecord } from '../../engine/imageService';
import { humanSize } from '../humanize';
import { daemonErrorText, type CommandDef, type Ctx } from './common';

/**
 * `docker container prune` and `docker system prune` (docker/cli's
 * container/prune.go and system/prune.go): a prompt unless -f, then each
 * pruner's report and the space reclaimed. A cancelled prune prints nothing
 * more and succeeds, as the 28.x client does.
 */

/** The prune commands' `--filter`: KEY=VALUE each, else the flag's own error (exit 125). */
function parsePruneFilters(ctx: Ctx, raw: readonly string[]): Record<string, string[]> | number {
  const filters: Record<string, string[]> = {};
  for (const f of raw) {
    const eq = f.indexOf('=');
    if (eq < 0) {
      ctx.io.stderr(`invalid argument "${f}" for "--filter" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} [OPTIONS]\n\nRun '${ctx.path} --help' for more information\n`);
      return 125;
    }
    (filters[f.slice(0, eq).trim().toLowerCase()] ??= []).push(f.slice(eq + 1));
  }
  return filters;
}

/** PromptForConfirmation: the warning, then "y"/"yes" on stdin's first line; no input is a no. */
function confirmed(ctx: Ctx, warning: string): boolean {
  ctx.io.stdout(warning + ' [y/N] ');
  const answer = (ctx.io.stdin ?? '').split('\n')[0]!.trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

function containersReport(deleted: readonly string[]): string {
  return deleted.length > 0 ? `Deleted Containers:\n${deleted.map((id) => id + '\n').join('')}` : '';
}

export const containerPrune: CommandDef = {
  name: 'container prune',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parsePruneFilters(ctx, flags.stringArray('filter'));
    if (typeof filters === 'number') return filters;
    if (!flags.bool('force') && !confirmed(ctx, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?')) return 0;
    try {
      const { deleted, reclaimed } = ctx.engine.pruneContainers(filters);
      const report = containersReport(deleted);
      ctx.io.stdout((report !== '' ? report + '\n' : '') + `Total reclaimed space: ${humanSize(reclaimed)}\n`);
      return 0;
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};

/** system/prune.go's confirmation: what goes, and the filters that narrow it. */
function systemPruneWarning(all: boolean, volumes: boolean, filters: Readonly<Record<string, readonly string[]>>): string {
  const warnings = ['all stopped containers', 'all networks not used by at least one container'];
  if (volumes) warnings.push('all anonymous volumes not used by at least one container');
  warnings.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
  warnings.push(all ? 'all build cache' : 'unused build cache');
  let text = 'WARNING! This will remove:\n' + warnings.map((w) => `  - ${w}\n`).join('');
  const values = Object.entries(filters)
    .flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`))
    .sort();
  if (values.length > 0) text += '\n  Items to be pruned will be filtered with:\n' + values.map((v) => `  - ${v}\n`).join('');
  return text + '\nAre you sure you want to continue?';
}

function imagesReport(records: readonly DeleteRecord[]): string {
  if (records.length === 0) return '';
  return 'Deleted Images:\n' + records.map((r) => ('untagged' in r ? `untagged: ${r.untagged}` : `deleted: ${r.deleted}`) + '\n').join('');
}

export const systemPrune: CommandDef = {
  name: 'system prune',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const filters = parsePruneFilters(ctx, flags.stringArray('filter'));
    if (typeof filters === 'number') return filters;
    const all = flags.bool('all');
    const volumes = flags.bool('volumes');
    if (volumes && filters.until !== undefined) {
      ctx.io.stderr('ERROR: The "until" filter is not supported with "--volumes"\n');
      return 1;
    }
    if (!flags.bool('force') && !confirmed(ctx, systemPruneWarning(all, volumes, filters))) return 0;
    // Each pruner prints its report (and a blank line) as it goes; the first error stops the rest.
    let reclaimed = 0;
    const pruners: (() => string)[] = [
      () => {
        const r = ctx.engine.pruneContainers(filters);
        reclaimed += r.reclaimed;
        return containersReport(r.deleted);
      },
      () => {
        const names = ctx.engine.pruneNetworks(filters);
        return names.length > 0 ? `Deleted Networks:\n${names.map((n) => n + '\n').join('')}` : '';
      },
    ];
    if (volumes) {
      pruners.push(() => {
        const r = ctx.engine.volumeOp((v) => v.prune({ ...filters }));
        reclaimed += r.reclaimed;
        return r.deleted.length > 0 ? `Deleted Volumes:\n${r.deleted.map((n) => n + '\n').join('')}` : '';
      });
    }
    pruners.push(() => {
      const r = ctx.engine.pruneImages({ all, filters });
      reclaimed += r.reclaimed;
      return imagesReport(r.records);
    });
    // The build cache pruner: the legacy builder keeps no BuildKit cache, so it frees nothing and says nothing.
    try {
      for (const prune of pruners) {
        const out = prune();
        if (out !== '') ctx.io.stdout(out + '\n');
      }
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    ctx.io.stdout(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
};
