/**
 * Generated from the real client (docker 28.2.2) by test/tools/help-entries.mjs:
 * the help texts and flags of the archive and build commands (build, save,
 * load, export, import, cp). Merged into helpTexts.ts's tables.
 */
import type { FlagSpec } from '../flags';

export const archiveHelpTexts: Readonly<Record<string, string>> = {
  "build": "Usage:  docker build [OPTIONS] PATH | URL | -\n\nBuild an image from a Dockerfile\n\nAliases:\n  docker image build, docker build, docker builder build\n\nOptions:\n      --add-host list           Add a custom host-to-IP mapping (\"host:ip\")\n      --build-arg list          Set build-time variables\n      --cache-from strings      Images to consider as cache sources\n      --cgroup-parent string    Set the parent cgroup for the \"RUN\"\n                                instructions during build\n      --compress                Compress the build context using gzip\n      --cpu-period int          Limit the CPU CFS (Completely Fair\n                                Scheduler) period\n      --cpu-quota int           Limit the CPU CFS (Completely Fair\n                                Scheduler) quota\n  -c, --cpu-shares int          CPU shares (relative weight)\n      --cpuset-cpus string      CPUs in which to allow execution (0-3, 0,1)\n      --cpuset-mems string      MEMs in which to allow execution (0-3, 0,1)\n      --disable-content-trust   Skip image verification (default true)\n  -f, --file string             Name of the Dockerfile (Default is\n                                \"PATH/Dockerfile\")\n      --force-rm                Always remove intermediate containers\n      --iidfile string          Write the image ID to the file\n      --isolation string        Container isolation technology\n      --label list              Set metadata for an image\n  -m, --memory bytes            Memory limit\n      --memory-swap bytes       Swap limit equal to memory plus swap: -1\n                                to enable unlimited swap\n      --network string          Set the networking mode for the RUN\n                                instructions during build (default \"default\")\n      --no-cache                Do not use cache when building the image\n      --platform string         Set platform if server is multi-platform\n                                capable\n      --pull                    Always attempt to pull a newer version of\n                                the image\n  -q, --quiet                   Suppress the build output and print image\n                                ID on success\n      --rm                      Remove intermediate containers after a\n                                successful build (default true)\n      --security-opt strings    Security options\n      --shm-size bytes          Size of \"/dev/shm\"\n  -t, --tag list                Name and optionally a tag in the\n                                \"name:tag\" format\n      --target string           Set the target build stage to build.\n      --ulimit ulimit           Ulimit options (default [])\n",
  "save": "Usage:  docker save [OPTIONS] IMAGE [IMAGE...]\n\nSave one or more images to a tar archive (streamed to STDOUT by default)\n\nAliases:\n  docker image save, docker save\n\nOptions:\n  -o, --output string   Write to a file, instead of STDOUT\n",
  "load": "Usage:  docker load [OPTIONS]\n\nLoad an image from a tar archive or STDIN\n\nAliases:\n  docker image load, docker load\n\nOptions:\n  -i, --input string   Read from tar archive file, instead of STDIN\n  -q, --quiet          Suppress the load output\n",
  "export": "Usage:  docker export [OPTIONS] CONTAINER\n\nExport a container's filesystem as a tar archive\n\nAliases:\n  docker container export, docker export\n\nOptions:\n  -o, --output string   Write to a file, instead of STDOUT\n",
  "import": "Usage:  docker import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]\n\nImport the contents from a tarball to create a filesystem image\n\nAliases:\n  docker image import, docker import\n\nOptions:\n  -c, --change list       Apply Dockerfile instruction to the created image\n  -m, --message string    Set commit message for imported image\n      --platform string   Set platform if server is multi-platform capable\n",
  "cp": "Usage:  docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n\nCopy files/folders between a container and the local filesystem\n\nUse '-' as the source to read a tar archive from stdin\nand extract it to a directory destination in a container.\nUse '-' as the destination to stream a tar archive of a\ncontainer source to stdout.\n\nAliases:\n  docker container cp, docker cp\n\nOptions:\n  -a, --archive       Archive mode (copy all uid/gid information)\n  -L, --follow-link   Always follow symbol link in SRC_PATH\n  -q, --quiet         Suppress progress output during copy. Progress\n                      output is automatically suppressed if no terminal\n                      is attached\n",
};

export const archiveCommandFlags: Readonly<Record<string, readonly FlagSpec[]>> = {
  "build": [
    {name: "add-host", kind: "stringArray"},
    {name: "build-arg", kind: "stringArray"},
    {name: "cache-from", kind: "stringArray"},
    {name: "cgroup-parent", kind: "string"},
    {name: "compress", kind: "bool"},
    {name: "cpu-period", kind: "int"},
    {name: "cpu-quota", kind: "int"},
    {name: "cpu-shares", kind: "int", short: "c"},
    {name: "cpuset-cpus", kind: "string"},
    {name: "cpuset-mems", kind: "string"},
    {name: "disable-content-trust", kind: "bool"},
    {name: "file", kind: "string", short: "f"},
    {name: "force-rm", kind: "bool"},
    {name: "iidfile", kind: "string"},
    {name: "isolation", kind: "string"},
    {name: "label", kind: "stringArray"},
    {name: "memory", kind: "string", short: "m"},
    {name: "memory-swap", kind: "string"},
    {name: "network", kind: "string"},
    {name: "no-cache", kind: "bool"},
    {name: "platform", kind: "string"},
    {name: "pull", kind: "bool"},
    {name: "quiet", kind: "bool", short: "q"},
    {name: "rm", kind: "bool", default: true},
    {name: "security-opt", kind: "stringArray"},
    {name: "shm-size", kind: "string"},
    {name: "tag", kind: "stringArray", short: "t"},
    {name: "target", kind: "string"},
    {name: "ulimit", kind: "string"},
  ],
  "save": [
    {name: "output", kind: "string", short: "o"},
  ],
  "load": [
    {name: "input", kind: "string", short: "i"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
  "export": [
    {name: "output", kind: "string", short: "o"},
  ],
  "import": [
    {name: "change", kind: "stringArray", short: "c"},
    {name: "message", kind: "string", short: "m"},
    {name: "platform", kind: "string"},
  ],
  "cp": [
    {name: "archive", kind: "bool", short: "a"},
    {name: "follow-link", kind: "bool", short: "L"},
    {name: "quiet", kind: "bool", short: "q"},
  ],
};
