import type { Program } from '../engine/process';
import { runEditor } from '../shell/editor';
import { err, out } from './procio';

/**
 * vi in a container: busybox's applet (busybox, alpine: /bin/busybox is
 * there) or CentOS's vim-minimal. The file opens in the editor pane of the
 * client attached to the container's tty (`docker run -it`, `exec -it`), and
 * the save goes through the container's filesystem, copying up as any write.
 */
export const viProgram: Program = (p) => {
  const flavor = p.fs.exists('/bin/busybox') ? 'busybox' : 'vim';
  const edit = p.edit;
  void runEditor(flavor, {
    argv: p.argv,
    fs: p.fs,
    cwd: p.cwd,
    io: { stdout: (t) => out(p, t), stderr: (t) => err(p, t), stdinIsTTY: p.tty, stdoutIsTTY: p.tty },
    ...(edit ? { terminal: { claim: () => () => {}, edit: (r) => edit(r) } } : {}),
  }).then((code) => p.exit(code));
};
