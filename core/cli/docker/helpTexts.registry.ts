/**
 * The help texts and flags of `docker search`, `docker login`, `docker logout`
 * and `docker push`, from the real client (docker 28.2.2 `--help`). Merged
 * into helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const registryHelpTexts: Readonly<Record<string, string>> = {
  "search": "Usage:  docker search [OPTIONS] TERM\n\nSearch Docker Hub for images\n\nOptions:\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Pretty-print search using a Go template\n      --limit int       Max number of search results\n      --no-trunc        Don't truncate output\n",
  "login": "Usage:  docker login [OPTIONS] [SERVER]\n\nAuthenticate to a registry.\nDefaults to Docker Hub if no server is specified.\n\nOptions:\n  -p, --password string   Password or Personal Access Token (PAT)\n      --password-stdin    Take the Password or Personal Access Token\n                          (PAT) from stdin\n  -u, --username string   Username\n",
  "logout": "Usage:  docker logout [SERVER]\n\nLog out from a registry.\nIf no server is specified, the default is defined by the daemon.\n",
  "push": "Usage:  docker push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry\n\nAliases:\n  docker image push, docker push\n\nOptions:\n  -a, --all-tags                Push all tags of an image to the repository\n      --disable-content-trust   Skip image signing (default true)\n  -q, --quiet                   Suppress verbose output\n",
};

export const registryCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "search": [
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "limit", kind: "int"},
    {name: "no-trunc", kind: "bool"},
  ],
  "login": [
    {name: "password", kind: "string", short: "p"},
    {name: "password-stdin", kind: "bool"},
    {name: "username", kind: "string", short: "u"},
  ],
  "logout": [],
  "push": [
    {name: "all-tags", kind: "bool", short: "a"},
    {name: "disable-content-trust", kind: "bool", default: true},
    {name: "quiet", kind: "bool", short: "q"},
  ],
};
