import type { Proc } from '../engine/process';
import { sha256Hex } from '../images/digest';
import type { Request } from './httpServer';

/**
 * The write side of the registry's API v2 (distribution 2.8): blob uploads
 * (POST …/blobs/uploads/, PATCH the data, PUT ?digest= to commit) and
 * manifest PUTs, stored in the registry's own filesystem layout under the
 * storage root, so the read side (registry.ts) serves what was pushed. An
 * upload in progress lives in the process's memory, as the real one's does
 * in _uploads until committed: a registry killed mid-push keeps every blob
 * already committed and loses only the unfinished upload.
 */

export interface Routed {
  status: number;
  type: string;
  body: string;
  headers: [string, string][];
}

const JSON_TYPE = 'application/json; charset=utf-8';

function errorReply(status: number, code: string, message: string, detail: unknown): Routed {
  return { status, type: JSON_TYPE, body: JSON.stringify({ errors: [{ code, message, detail }] }) + '\n', headers: [] };
}

function write(p: Proc, path: string, data: string): void {
  p.fs.mkdir(path.slice(0, path.lastIndexOf('/')), { parents: true });
  p.fs.writeFile(path, data);
}

export class UploadState {
  private readonly uploads = new Map<string, string>();
  private next = 0;

  constructor(private readonly idFor: (n: number) => string) {}

  /** The answer to a write request (POST/PATCH/PUT/DELETE) under /v2/NAME/, or undefined for a read. */
  handle(p: Proc, v2: string, name: string, rest: string, req: Request): Routed | undefined {
    const blobPath = (digest: string): string => `${v2}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`;
    const repo = `${v2}/repositories/${name}`;
    if (req.method === 'POST' && rest === 'blobs/uploads/') {
      // A cross-repository mount: a blob another repository has is linked here without an upload.
      const mount = /[?&]mount=(sha256(?::|%3A)[0-9a-f]{64})/.exec(req.target)?.[1]?.replace('%3A', ':');
      const from = /[?&]from=([^&]+)/.exec(req.target)?.[1];
      if (mount !== undefined && from !== undefined && p.fs.exists(blobPath(mount)) && p.fs.exists(`${v2}/repositories/${decodeURIComponent(from)}/_layers/sha256/${mount.slice(7)}/link`)) {
        write(p, `${repo}/_layers/sha256/${mount.slice(7)}/link`, mount);
        return { status: 201, type: 'text/plain; charset=utf-8', body: '', headers: [['Docker-Content-Digest', mount], ['Location', `/v2/${name}/blobs/${mount}`]] };
      }
      const id = this.idFor(++this.next);
      this.uploads.set(id, '');
      return { status: 202, type: 'text/plain; charset=utf-8', body: '', headers: [['Docker-Upload-Uuid', id], ['Location', `/v2/${name}/blobs/uploads/${id}`], ['Range', '0-0']] };
    }
    const up = /^blobs\/uploads\/([0-9a-f-]+)$/.exec(rest);
    if (up && (req.method === 'PATCH' || req.method === 'PUT')) {
      const id = up[1]!;
      const data = this.uploads.get(id);
      if (data === undefined) return errorReply(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', null);
      const all = data + req.body;
      if (req.method === 'PATCH') {
        this.uploads.set(id, all);
        return { status: 202, type: 'text/plain; charset=utf-8', body: '', headers: [['Docker-Upload-Uuid', id], ['Location', `/v2/${name}/blobs/uploads/${id}`], ['Range', `0-${Math.max(0, all.length - 1)}`]] };
      }
      const digest = /[?&]digest=(sha256(?::|%3A)[0-9a-f]{64})/.exec(req.target)?.[1]?.replace('%3A', ':');
      if (digest === undefined || `sha256:${sha256Hex(all)}` !== digest) return errorReply(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', null);
      this.uploads.delete(id);
      write(p, blobPath(digest), all);
      write(p, `${repo}/_layers/sha256/${digest.slice(7)}/link`, digest);
      return { status: 201, type: 'text/plain; charset=utf-8', body: '', headers: [['Docker-Content-Digest', digest], ['Location', `/v2/${name}/blobs/${digest}`]] };
    }
    const man = /^manifests\/([^/]+)$/.exec(rest);
    if (man && req.method === 'PUT') {
      const ref = man[1]!;
      const body = req.body;
      // Every blob the manifest names must be in the registry already.
      for (const d of body.match(/sha256:[0-9a-f]{64}/g) ?? []) {
        if (!p.fs.exists(blobPath(d))) return errorReply(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', d);
      }
      const digest = `sha256:${sha256Hex(body)}`;
      write(p, blobPath(digest), body);
      write(p, `${repo}/_manifests/revisions/sha256/${digest.slice(7)}/link`, digest);
      if (!ref.startsWith('sha256:')) {
        write(p, `${repo}/_manifests/tags/${ref}/index/sha256/${digest.slice(7)}/link`, digest);
        write(p, `${repo}/_manifests/tags/${ref}/current/link`, digest);
      }
      return { status: 201, type: 'text/plain; charset=utf-8', body: '', headers: [['Docker-Content-Digest', digest], ['Location', `/v2/${name}/manifests/${digest}`]] };
    }
    if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' || req.method === 'DELETE') {
      return errorReply(405, 'UNSUPPORTED', 'The operation is unsupported.', null);
    }
    return undefined;
  }
}
