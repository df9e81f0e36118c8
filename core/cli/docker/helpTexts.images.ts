/**
 * Generated from the real client (docker 28.2.2) by test/tools/help-entries.mjs
 * (then -f/--filter as a repeated flag and -H's default true, as the client
 * declares them): the help texts and flags of the image commands (pull,
 * images, tag, rmi, history, diff, commit and `docker image …`). Merged into
 * helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const imageHelpTexts: Readonly<Record<string, string>> = {
  "image": "Usage:  docker image COMMAND\n\nManage images\n\nCommands:\n  build       Build an image from a Dockerfile\n  history     Show the history of an image\n  import      Import the contents from a tarball to create a filesystem image\n  inspect     Display detailed information on one or more images\n  load        Load an image from a tar archive or STDIN\n  ls          List images\n  prune       Remove unused images\n  pull        Download an image from a registry\n  push        Upload an image to a registry\n  rm          Remove one or more images\n  save        Save one or more images to a tar archive (streamed to STDOUT by default)\n  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nRun 'docker image COMMAND --help' for more information on a command.\n",
  "pull": "Usage:  docker pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nDownload an image from a registry\n\nAliases:\n  docker image pull, docker pull\n\nOptions:\n  -a, --all-tags                Download all tagged images in the repository\n      --disable-content-trust   Skip image verification (default true)\n      --platform string         Set platform if server is multi-platform\n                                capable\n  -q, --quiet                   Suppress verbose output\n",
  "images": "Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n\nAliases:\n  docker image ls, docker image list, docker images\n\nOptions:\n  -a, --all             Show all images (default hides intermediate images)\n      --digests         Show digests\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n      --no-trunc        Don't truncate output\n  -q, --quiet           Only show image IDs\n",
  "tag": "Usage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nAliases:\n  docker image tag, docker tag\n",
  "rmi": "Usage:  docker rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more images\n\nAliases:\n  docker image rm, docker image remove, docker rmi\n\nOptions:\n  -f, --force      Force removal of the image\n      --no-prune   Do not delete untagged parents\n",
  "history": "Usage:  docker history [OPTIONS] IMAGE\n\nShow the history of an image\n\nAliases:\n  docker image history, docker history\n\nOptions:\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n  -H, --human           Print sizes and dates in human readable format\n                        (default true)\n      --no-trunc        Don't truncate output\n  -q, --quiet           Only show image IDs\n",
  "diff": "Usage:  docker diff CONTAINER\n\nInspect changes to files or directories on a container's filesystem\n\nAliases:\n  docker container diff, docker diff\n",
  "commit": "Usage:  docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\nCreate a new image from a container's changes\n\nAliases:\n  docker container commit, docker commit\n\nOptions:\n  -a, --author string    Author (e.g., \"John Hannibal Smith\n                         <hannibal@a-team.com>\")\n  -c, --change list      Apply Dockerfile instruction to the created image\n  -m, --message string   Commit message\n  -p, --pause            Pause container during commit (default true)\n",
  "image ls": "Usage:  docker image ls [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n\nAliases:\n  docker image ls, docker image list, docker images\n\nOptions:\n  -a, --all             Show all images (default hides intermediate images)\n      --digests         Show digests\n  -f, --filter filter   Filter output based on conditions provided\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n      --no-trunc        Don't truncate output\n  -q, --quiet           Only show image IDs\n",
  "image rm": "Usage:  docker image rm [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more images\n\nAliases:\n  docker image rm, docker image remove, docker rmi\n\nOptions:\n  -f, --force      Force removal of the image\n      --no-prune   Do not delete untagged parents\n",
  "image prune": "Usage:  docker image prune [OPTIONS]\n\nRemove unused images\n\nOptions:\n  -a, --all             Remove all unused images, not just dangling ones\n      --filter filter   Provide filter values (e.g. \"until=<timestamp>\")\n  -f, --force           Do not prompt for confirmation\n",
  "image inspect": "Usage:  docker image inspect [OPTIONS] IMAGE [IMAGE...]\n\nDisplay detailed information on one or more images\n\nOptions:\n  -f, --format string   Format output using a custom template:\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n",
  "image history": "Usage:  docker image history [OPTIONS] IMAGE\n\nShow the history of an image\n\nAliases:\n  docker image history, docker history\n\nOptions:\n      --format string   Format output using a custom template:\n                        'table':            Print output in table format\n                        with column headers (default)\n                        'table TEMPLATE':   Print output in table format\n                        using the given Go template\n                        'json':             Print in JSON format\n                        'TEMPLATE':         Print output using the given\n                        Go template.\n                        Refer to https://docs.docker.com/go/formatting/\n                        for more information about formatting output with\n                        templates\n  -H, --human           Print sizes and dates in human readable format\n                        (default true)\n      --no-trunc        Don't truncate output\n  -q, --quiet           Only show image IDs\n",
  "image tag": "Usage:  docker image tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nAliases:\n  docker image tag, docker tag\n",
  "image pull": "Usage:  docker image pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nDownload an image from a registry\n\nAliases:\n  docker image pull, docker pull\n\nOptions:\n  -a, --all-tags                Download all tagged images in the repository\n      --disable-content-trust   Skip image verification (default true)\n      --platform string         Set platform if server is multi-platform\n                                capable\n  -q, --quiet                   Suppress verbose output\n",
};

export const imageCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "pull": [
    {name: "all-tags", kind: "bool", short: "a"},
    {name: "disable-content-trust", kind: "bool"},
    {name: "platform", kind: "string"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "images": [
    {name: "all", kind: "bool", short: "a"},
    {name: "digests", kind: "bool"},
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "no-trunc", kind: "bool"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "tag": [],
  "rmi": [
    {name: "force", kind: "bool", short: "f"},
    {name: "no-prune", kind: "bool"},
  ],
  "history": [
    {name: "format", kind: "string"},
    {name: "human", kind: "bool", short: "H", default: true},
    {name: "no-trunc", kind: "bool"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "diff": [],
  "commit": [
    {name: "author", kind: "string", short: "a"},
    {name: "change", kind: "stringArray", short: "c"},
    {name: "message", kind: "string", short: "m"},
    {name: "pause", kind: "bool", short: "p", default: true},
  ],
  "image ls": [
    {name: "all", kind: "bool", short: "a"},
    {name: "digests", kind: "bool"},
    {name: "filter", kind: "stringArray", short: "f"},
    {name: "format", kind: "string"},
    {name: "no-trunc", kind: "bool"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "image rm": [
    {name: "force", kind: "bool", short: "f"},
    {name: "no-prune", kind: "bool"},
  ],
  "image prune": [
    {name: "all", kind: "bool", short: "a"},
    {name: "filter", kind: "stringArray"},
    {name: "force", kind: "bool", short: "f"},
  ],
  "image inspect": [
    {name: "format", kind: "string", short: "f"},
  ],
  "image history": [
    {name: "format", kind: "string"},
    {name: "human", kind: "bool", short: "H", default: true},
    {name: "no-trunc", kind: "bool"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "image tag": [],
  "image pull": [
    {name: "all-tags", kind: "bool", short: "a"},
    {name: "disable-content-trust", kind: "bool"},
    {name: "platform", kind: "string"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
};
