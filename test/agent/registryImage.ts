import { required } from '../support/requirements';
import { docker } from './support';

/** The registry image test/setup/service-images.sh builds offline from Debian's docker-registry (`.ci/run` builds it). */
export const REGISTRY_FIXTURE = 'glassbox-fixture/registry:debian';

/** The registry image, or null (with a message; an error under REQUIRE_DOCKER) when it has not been built. */
export function registryImage(): string | null {
  try {
    docker('image', 'inspect', REGISTRY_FIXTURE);
    return REGISTRY_FIXTURE;
  } catch {
    const why = `${REGISTRY_FIXTURE} is not built: run sudo bash test/setup/images.sh`;
    if (required) throw new Error(why);
    process.stderr.write(`skipping the registry tests: ${why}\n`);
    return null;
  }
}
