import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { required } from '../support/requirements';
import { docker } from './support';

/** The registry image: the shared fixture when test/setup/service-images.sh has built it, else one built here (fixtures/registry-image.sh). */
export function registryImage(): string | null {
  for (const image of ['glassbox-fixture/registry:debian', 'glassbox-test/registry:views']) {
    try {
      docker('image', 'inspect', image);
      return image;
    } catch {
      // not built yet
    }
  }
  try {
    execFileSync('sh', [join(import.meta.dirname, 'fixtures', 'registry-image.sh'), 'glassbox-test/registry:views'], { stdio: 'pipe', timeout: 300_000 });
    return 'glassbox-test/registry:views';
  } catch (err) {
    const why = `cannot build a registry image (apt-get download docker-registry): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    if (required) throw new Error(why);
    process.stderr.write(`skipping the registry tests: ${why}\n`);
    return null;
  }
}
