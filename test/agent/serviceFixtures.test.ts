import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { comparable, fixtureDir, images, missingImages, observeAll, packageVersions, renderReadme, type Observation } from '../setup/record-services.mjs';
import { haveDocker, required } from '../support/requirements';

/**
 * The Debian fixtures (core/services/fixtures/debian/) against the real
 * programs: every observation test/setup/record-services.mjs made is made again
 * on the images test/setup/service-images.sh built, and must print what the
 * committed file says, so the fixtures cannot silently drift from the programs.
 * Builds nothing: without the images it skips (fails under REQUIRE_DOCKER=1).
 */
const rerecord = 'if the change is real, rebuild and re-record: bash test/setup/service-images.sh && node test/setup/record-services.mjs, then review the diff';

function haveServiceImages(): boolean {
  if (!haveDocker()) return false;
  const missing = missingImages();
  if (missing.length === 0) return true;
  const problem = `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (build with test/setup/service-images.sh)`;
  if (required) throw new Error(`the Debian service images are required (REQUIRE_DOCKER=1) but ${problem}`);
  process.stderr.write(`skipping the Debian service fixture tests: ${problem}\n`);
  return false;
}

const committedFiles = Object.keys(images).flatMap((program) => readdirSync(join(fixtureDir, program)).map((f) => `${program}/${f}`));
const committed = (file: string) => readFileSync(join(fixtureDir, file), 'utf8');

describe.skipIf(!haveServiceImages())('the Debian service fixtures, against the programs that printed them', () => {
  let live: Observation[] = [];
  let versions: Record<string, string> = {};
  beforeAll(async () => {
    versions = packageVersions();
    live = await observeAll();
  });

  it('were recorded from the same Debian package versions the images hold', () => {
    const readme = committed('README.md');
    for (const [program, v] of Object.entries(versions)) {
      expect(readme, `Debian's ${program} is now ${v}; ${rerecord}`).toContain(`| ${program} | \`${v}\` |`);
    }
  });

  it('has a file for every observation, and an observation for every file', () => {
    expect(live.map((o) => o.file).sort()).toEqual([...committedFiles].sort());
  });

  it.each(committedFiles)('%s: the program still prints it', (file) => {
    const o = live.find((x) => x.file === file);
    expect(o, `${file} is no longer observed by record-services.mjs`).toBeDefined();
    if (!o) return;
    expect(comparable(o), `\`${o.command}\` printed something else; ${rerecord}`).toBe(comparable(o, committed(file)));
  });

  it('lists every command with its stream and exit code in the README', () => {
    expect(renderReadme(live, versions), rerecord).toBe(committed('README.md'));
  });
});
