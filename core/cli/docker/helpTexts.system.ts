/**
 * Generated from the real client (docker 28.2.2) by test/tools/help-entries.mjs:
 * the help texts and flags of `docker system` (df, prune, events, info),
 * `docker container prune` and `docker events`. Merged into helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const systemHelpTexts: Readonly<Record<string, string>> = {
  "system": "Usage:  docker system COMMAND\n\nManage Docker\n\nCommands:\n  df          Show docker disk usage\n  events      Get real time events from the server\n  info        Display system-wide information\n  prune       Remove unused data\n\nRun 'docker system COMMAND --help' for more information on a command.\n",
  "system df": "Usage:  docker system df [OPTIONS]\n\nShow docker disk usage\n\nOptions:\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n  -v, --verbose         Show detailed information on space usage\n",
  "system prune": "Usage:  docker system prune [OPTIONS]\n\nRemove unused data\n\nOptions:\n  -a, --all             Remove all unused images not just dangling ones\n      --filter filter   Provide filter values (e.g. \"label=<key>=<value>\")\n  -f, --force           Do not prompt for confirmation\n      --volumes         Prune anonymous volumes\n",
  "container prune": "Usage:  docker container prune [OPTIONS]\n\nRemove all stopped containers\n\nOptions:\n      --filter filter   Provide filter values (e.g. \"until=<timestamp>\")\n  -f, --force           Do not prompt for confirmation\n",
  "events": "Usage:  docker events [OPTIONS]\n\nGet real time events from the server\n\nAliases:\n  docker system events, docker events\n\nOptions:\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n      --since string    Show all events created since timestamp\n      --until string    Stream events until this timestamp\n",
  "system events": "Usage:  docker system events [OPTIONS]\n\nGet real time events from the server\n\nAliases:\n  docker system events, docker events\n\nOptions:\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n      --since string    Show all events created since timestamp\n      --until string    Stream events until this timestamp\n",
  "system info": "Usage:  docker system info [OPTIONS]\n\nDisplay system-wide information\n\nAliases:\n  docker system info, docker info\n\nOptions:\n  -f, --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n",
};

export const systemCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "system": [

  ],
  "system df": [
    {name: "format", kind: "string"},
    {name: "verbose", kind: "bool", short: "v"},
  ],
  "system prune": [
    {name: "all", kind: "bool", short: "a"},
    {name: "filter", kind: "stringArray"},
    {name: "force", kind: "bool", short: "f"},
    {name: "volumes", kind: "bool"},
  ],
  "container prune": [
    {name: "filter", kind: "stringArray"},
    {name: "force", kind: "bool", short: "f"},
  ],
  "events": [
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "since", kind: "string"},
    {name: "until", kind: "string"},
  ],
  "system events": [
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "since", kind: "string"},
    {name: "until", kind: "string"},
  ],
  "system info": [
    {name: "format", kind: "string", short: "f"},
  ],
};
