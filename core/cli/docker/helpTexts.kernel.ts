/**
 * Generated from the real client (docker 28.2.2) by test/tools/help-entries.mjs:
 * the help texts and flags of the kernel-facing commands (top, stats, update,
 * version, info). Merged into helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const kernelHelpTexts: Readonly<Record<string, string>> = {
  "top": "Usage:  docker top CONTAINER [ps OPTIONS]\n\nDisplay the running processes of a container\n\nAliases:\n  docker container top, docker top\n",
  "stats": "Usage:  docker stats [OPTIONS] [CONTAINER...]\n\nDisplay a live stream of container(s) resource usage statistics\n\nAliases:\n  docker container stats, docker stats\n\nOptions:\n  -a, --all             Show all containers (default shows just running)\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n      --no-stream       Disable streaming stats and only pull the first result\n      --no-trunc        Do not truncate output\n",
  "update": "Usage:  docker update [OPTIONS] CONTAINER [CONTAINER...]\n\nUpdate configuration of one or more containers\n\nAliases:\n  docker container update, docker update\n\nOptions:\n      --blkio-weight uint16        Block IO (relative weight), between 10\n                                   and 1000, or 0 to disable (default 0)\n      --cpu-period int             Limit CPU CFS (Completely Fair\n                                   Scheduler) period\n      --cpu-quota int              Limit CPU CFS (Completely Fair\n                                   Scheduler) quota\n      --cpu-rt-period int          Limit the CPU real-time period in\n                                   microseconds\n      --cpu-rt-runtime int         Limit the CPU real-time runtime in\n                                   microseconds\n  -c, --cpu-shares int             CPU shares (relative weight)\n      --cpus decimal               Number of CPUs\n      --cpuset-cpus string         CPUs in which to allow execution (0-3, 0,1)\n      --cpuset-mems string         MEMs in which to allow execution (0-3, 0,1)\n  -m, --memory bytes               Memory limit\n      --memory-reservation bytes   Memory soft limit\n      --memory-swap bytes          Swap limit equal to memory plus swap:\n                                   -1 to enable unlimited swap\n      --pids-limit int             Tune container pids limit (set -1 for\n                                   unlimited)\n      --restart string             Restart policy to apply when a\n                                   container exits\n",
  "version": "Usage:  docker version [OPTIONS]\n\nShow the Docker version information\n\nOptions:\n  -f, --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n",
  "info": "Usage:  docker info [OPTIONS]\n\nDisplay system-wide information\n\nAliases:\n  docker system info, docker info\n\nOptions:\n  -f, --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n",
};

export const kernelCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "top": [

  ],
  "stats": [
    {name: "all", kind: "bool", short: "a"},
    {name: "format", kind: "string"},
    {name: "no-stream", kind: "bool"},
    {name: "no-trunc", kind: "bool"},
  ],
  "update": [
    {name: "blkio-weight", kind: "string"},
    {name: "cpu-period", kind: "int"},
    {name: "cpu-quota", kind: "int"},
    {name: "cpu-rt-period", kind: "int"},
    {name: "cpu-rt-runtime", kind: "int"},
    {name: "cpu-shares", kind: "int", short: "c"},
    {name: "cpus", kind: "string"},
    {name: "cpuset-cpus", kind: "string"},
    {name: "cpuset-mems", kind: "string"},
    {name: "memory", kind: "string", short: "m"},
    {name: "memory-reservation", kind: "string"},
    {name: "memory-swap", kind: "string"},
    {name: "pids-limit", kind: "int"},
    {name: "restart", kind: "string"},
  ],
  "version": [
    {name: "format", kind: "string", short: "f"},
  ],
  "info": [
    {name: "format", kind: "string", short: "f"},
  ],
};
