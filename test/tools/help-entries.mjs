#!/usr/bin/env node
// Prints helpTexts/commandFlags entries for core/cli/docker/helpTexts.ts from
// the real client's `--help` (docker 28.2.2 here). Usage:
//   node test/tools/help-entries.mjs build save load …   (a key per command; "image:ls" runs `docker image ls --help` under key "image:ls")
import { execFileSync } from 'node:child_process';

const KIND = { list: 'stringArray', strings: 'stringArray', string: 'string', int: 'int', duration: 'duration' };
const texts = [];
const flags = [];
for (const key of process.argv.slice(2)) {
  const help = execFileSync('docker', [...key.split(':'), '--help'], { encoding: 'utf8' });
  texts.push(`  ${JSON.stringify(key)}: ${JSON.stringify(help)},`);
  const specs = [];
  const opts = help.slice(help.indexOf('Options:'));
  for (const m of opts.matchAll(/^\s+(?:-(\w), )?--([\w-]+)(?: (\w+))?\s{2,}(.*)$/gm)) {
    const [, short, name, type, desc] = m;
    if (name === 'help') continue;
    // Types other than these parse as strings (bytes, decimal, map …): the command validates them itself.
    const kind = type === undefined ? 'bool' : (KIND[type] ?? 'string');
    const def = /\(default (-?\d+)\)/.exec(desc);
    const parts = [`name: ${JSON.stringify(name)}`, `kind: ${JSON.stringify(kind)}`];
    if (short) parts.push(`short: ${JSON.stringify(short)}`);
    if (kind === 'int' && def) parts.push(`default: ${def[1]}`);
    specs.push(`    {${parts.join(', ')}},`);
  }
  flags.push(`  ${JSON.stringify(key)}: [\n${specs.join('\n')}\n  ],`);
}
process.stdout.write(`// helpTexts\n${texts.join('\n')}\n// commandFlags\n${flags.join('\n')}\n`);
