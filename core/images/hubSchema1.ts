/**
 * Docker Hub repositories whose tags are still stored as image manifest v2,
 * schema 1 — images pushed before Docker 1.10 (2016) and never pushed again.
 * The Hub serves them as they are, but the simulated daemon (docker-ce
 * 28.2.2) no longer pulls that format: moby v28.2 removed schema 1 pulls
 * (distribution/pull_v2.go returns DeprecatedSchema1ImageError once the
 * manifest is fetched, after "Pulling from"). v26.0–v28.1 refused them with a
 * "[DEPRECATION NOTICE] … disabled by default" unless
 * DOCKER_ENABLE_DEPRECATED_PULL_SCHEMA_1_IMAGE was set; 20.10 (the
 * conformance host) pulls them with a warning. So these tags exist (a wrong
 * tag is still "manifest unknown"), but pulling one fails with the daemon's
 * own text (imageService.ts).
 *
 * training/webapp is the classic Docker tutorial's Flask app ("docker run -d
 * -P training/webapp python app.py"), built in 2015 from
 * github.com/docker-training/webapp (FROM ubuntu:14.04, python-all and
 * python-pip, unpinned Flask, ADD ./webapp /opt/webapp/, WORKDIR /opt/webapp,
 * EXPOSE 5000, CMD ["python", "app.py"]). Its manifest digest is the one
 * published pulls print ("Digest: sha256:06e9c198…", with Docker 20.10's
 * "uses outdated schema1 manifest format" warning before it); the same pulls
 * show nine layers, image id 6fae60ef3446 and 349MB. Those facts are not
 * modelled here: no image of it can reach the simulated store. That current
 * Docker cannot pull it is reported in 2025 (brikis98/terraform-up-and-running-code
 * issue 121, gruntwork-io/terratest issue 1564, with Docker 27 and containerd 2).
 */
export interface Schema1Repository {
  repo: string;
  tags: readonly string[];
  /** The manifest's digest, as `docker pull NAME@DIGEST` names it. */
  digest: string;
}

const SCHEMA1: readonly Schema1Repository[] = [
  { repo: 'training/webapp', tags: ['latest'], digest: 'sha256:06e9c1983bd6d5db5fba376ccd63bfa529e8d02f23d5079b8f74a616308fb11d' },
];

/** The schema 1 repositories of the simulated Hub. */
export function schema1Repositories(): readonly Schema1Repository[] {
  return SCHEMA1;
}

/**
 * moby's DeprecatedSchema1ImageError (v28): `ref` is the reference as the
 * daemon resolved it, domain included ("docker.io/training/webapp:latest").
 */
export function schema1PullError(ref: string): string {
  return (
    'Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed.' +
    ` Suggest the author of ${ref} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.` +
    ' More information at https://docs.docker.com/go/deprecated-image-specs/'
  );
}
