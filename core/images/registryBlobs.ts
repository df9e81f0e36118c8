import { encodeArchive } from '../archive/tar';
import { utf8Length } from '../utf8';
import { configBlobOf, treeToEntries } from './archive';
import { builtinImages, type CatalogImage } from './catalog';
import { sha256Digest, sha256Hex } from './digest';
import { hubImages } from './hub';

/**
 * Images as a registry stores them: the schema 2 manifest, the config blob
 * and one blob per layer (the layer's tar as the simulator encodes archives,
 * uncompressed). The pusher writes these for a local image; a registry:2
 * run as a pull-through cache of Docker Hub (REGISTRY_PROXY_REMOTEURL) gets
 * the simulated Hub's images in this form, since the simulator has no
 * Internet to fetch them from.
 */

export const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

/** distribution's schema2 manifest, marshalled with a three-space indent. */
export function schema2Manifest(config: string, layers: readonly { size: number; digest: string }[]): string {
  return JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: utf8Length(config), digest: `sha256:${sha256Hex(config)}` },
      layers: layers.map((x) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: x.size, digest: x.digest })),
    },
    null,
    3,
  );
}

export interface Blob {
  digest: string;
  data: string;
}

export interface RegistryImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
}

function catalog(): readonly CatalogImage[] {
  return [...builtinImages(), ...hubImages()];
}

function catalogConfig(c: CatalogImage): string {
  return configBlobOf({ config: c.config, created: c.created, history: c.history, comment: c.comment, author: '', diffIds: c.layers.map((l) => l.diffId) });
}

const rendered = new Map<CatalogImage, RegistryImage>();

/** A catalog image's blobs (made once: encoding a large layer is costly). */
function render(c: CatalogImage): RegistryImage {
  let r = rendered.get(c);
  if (!r) {
    const mtime = Math.floor(Date.parse(c.created) / 1000);
    const layers = c.layers.map((l) => {
      const data = encodeArchive(treeToEntries(l.tree(), mtime));
      return { digest: sha256Digest(data), data };
    });
    const config = catalogConfig(c);
    const manifest = schema2Manifest(
      config,
      layers.map((l) => ({ size: utf8Length(l.data), digest: l.digest })),
    );
    r = { manifest: { digest: sha256Digest(manifest), data: manifest }, config: { digest: sha256Digest(config), data: config }, layers };
    rendered.set(c, r);
  }
  return r;
}

/**
 * What Docker Hub serves for `NAME:TAG` (NAME as the registry API names it:
 * "library/busybox" for an official image), or undefined when the simulated
 * Hub has no such image.
 */
export function hubRegistryImage(name: string, tag: string): RegistryImage | undefined {
  const repo = name.startsWith('library/') ? name.slice(8) : name;
  const c = catalog().find((x) => x.repo === repo && x.tags.includes(tag));
  return c ? render(c) : undefined;
}

let byConfig: Map<string, CatalogImage> | undefined;

/** The simulated Hub's image whose config blob has this digest (one pulled through a mirror, or pushed and pulled back). */
export function hubImageByConfigDigest(digest: string): CatalogImage | undefined {
  byConfig ??= new Map(catalog().map((c) => [sha256Digest(catalogConfig(c)), c]));
  return byConfig.get(digest);
}
