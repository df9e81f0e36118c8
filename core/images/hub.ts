import type { CatalogImage } from './catalog';
import { distroImages } from './hubDistros';
import { serviceImages } from './hubServices';

/**
 * The simulated Docker Hub: the official images the course pulls, modelled on
 * the real ones' `docker history` — the same steps, layer sizes and file
 * layout (Debian's merged /usr, Alpine's busybox links, nginx's
 * /etc/nginx and /usr/share/nginx/html …). The distributions are in
 * hubDistros.ts, the services built on them in hubServices.ts, and how an
 * image is written down in hubBuild.ts.
 *
 * Layers are shared as on the real Hub: nginx, redis, mysql and httpd are
 * built on the same debian:bookworm-slim layer, registry on alpine's, tomcat
 * on ubuntu's, so pulling one after another reports "Already exists" for
 * that layer; the older tags (ubuntu:14.04, centos:7, nginx:1.15, mysql:5.7)
 * share nothing with the newer ones.
 */

/** The images the simulated Hub holds besides busybox and hello-world (catalog.ts's builtinImages, which it serves too). */
export function hubImages(): readonly CatalogImage[] {
  return HUB;
}

const HUB: readonly CatalogImage[] = [...distroImages, ...serviceImages];
