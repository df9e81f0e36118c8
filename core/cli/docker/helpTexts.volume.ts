/**
 * The help texts and flags of `docker volume …`, from the real client (docker
 * 28.2.2) by test/tools/help-entries.mjs. That client talked to an Engine 20.10
 * (API 1.41), which hides `volume prune -a` (API 1.42+); the prune entry has it
 * back, as a 28.x engine shows it. The swarm-only flags and `volume update`
 * stay hidden, as on a host that is not a swarm manager. Merged into
 * helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const volumeHelpTexts: Readonly<Record<string, string>> = {
  "volume": "Usage:  docker volume COMMAND\n\nManage volumes\n\nCommands:\n  create      Create a volume\n  inspect     Display detailed information on one or more volumes\n  ls          List volumes\n  prune       Remove unused local volumes\n  rm          Remove one or more volumes\n\nRun 'docker volume COMMAND --help' for more information on a command.\n",
  "volume create": "Usage:  docker volume create [OPTIONS] [VOLUME]\n\nCreate a volume\n\nOptions:\n  -d, --driver string   Specify volume driver name (default \"local\")\n      --label list      Set metadata for a volume\n  -o, --opt map         Set driver specific options (default map[])\n",
  "volume ls": "Usage:  docker volume ls [OPTIONS]\n\nList volumes\n\nAliases:\n  docker volume ls, docker volume list\n\nOptions:\n  -f, --filter filter   Provide filter values (e.g. \"dangling=true\")\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n  -q, --quiet           Only display volume names\n",
  "volume inspect": "Usage:  docker volume inspect [OPTIONS] VOLUME [VOLUME...]\n\nDisplay detailed information on one or more volumes\n\nOptions:\n  -f, --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n",
  "volume rm": "Usage:  docker volume rm [OPTIONS] VOLUME [VOLUME...]\n\nRemove one or more volumes. You cannot remove a volume that is in use by a container.\n\nAliases:\n  docker volume rm, docker volume remove\n\nOptions:\n  -f, --force   Force the removal of one or more volumes\n",
  "volume prune": "Usage:  docker volume prune [OPTIONS]\n\nRemove unused local volumes\n\nOptions:\n  -a, --all             Remove all unused volumes, not just anonymous ones\n      --filter filter   Provide filter values (e.g. \"label=<label>\")\n  -f, --force           Do not prompt for confirmation\n",
};

export const volumeCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "volume create": [
    {name: "driver", kind: "string", short: "d", default: "local"},
    {name: "label", kind: "stringArray"},
    {name: "name", kind: "string", hidden: true},
    {name: "opt", kind: "stringArray", short: "o"},
  ],
  "volume ls": [
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "volume inspect": [
    {name: "format", kind: "string", short: "f"},
  ],
  "volume rm": [
    {name: "force", kind: "bool", short: "f"},
  ],
  "volume prune": [
    {name: "all", kind: "bool", short: "a"},
    {name: "filter", kind: "stringArray"},
    {name: "force", kind: "bool", short: "f"},
  ],
};
