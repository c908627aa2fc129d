#!/usr/bin/env bash
# Installs the Debian packages that the tests, the test harnesses and the benchmarks run, and only what
# is missing, so a second run is a few `command -v` checks. scripts/test.mjs runs it before every phase
# (npm test and each npm run test:* alone); it works on this project's machines and on a bare Debian 12
# with Node 20, as root (or says which packages to install with sudo).
#
# TOOLS is the one list of external programs: "command package why". test/unit/tooling checks that every
# program a test, harness or benchmark spawns is listed here, and that each listed command is on PATH
# once this script has run.
set -euo pipefail

TOOLS=(
  "chromium   chromium          real browser for the workbench UI tests (driven by playwright-core)"
  "rg         ripgrep           code-server's search binary (its npm package would download one)"
  "tcpdump    tcpdump           real captures of real traffic (pcap, nanosecond pcap, the any device)"
  "dumpcap    tshark            real pcapng captures (dumpcap comes with tshark's wireshark-common)"
  "tshark     tshark            the reference TCP reassembler and pcapng reader"
  "lz4        lz4               the reference LZ4 compressor for the message-body decoder tests"
  "zstd       zstd              the reference ZSTD compressor for the message-body decoder tests"
  "java       openjdk-17-jdk-headless  the real RocketMQ NameServers, brokers, Java clients and admin"
  "javac      openjdk-17-jdk-headless  compiles the Java sides of the cross-checks"
  "mvn        maven             fetches the RocketMQ jars from Maven Central"
  "tar        tar               packs Debian's rg for code-server's ripgrep cache"
  "mkfifo     coreutils         a FIFO as a bodyFile that must be refused (request-file tests)"
  "g++        g++               code-server's native modules (node-pty, kerberos, argon2)"
  "make       make              code-server's native modules"
  "python3    python3           node-gyp, for code-server's native modules"
  "setpriv    util-linux        runs a capture as an unprivileged user (permission error tests)"
  "/usr/bin/time  time          CPU time and peak memory of the peer in the capture benchmark"
)

need=()
add() { for p in "${need[@]}"; do [ "$p" = "$1" ] && return; done; need+=("$1"); }
for entry in "${TOOLS[@]}"; do
  read -r cmd pkg _ <<<"$entry"
  command -v "$cmd" >/dev/null 2>&1 || add "$pkg"
done
# Headers, not commands: code-server's `kerberos` module builds against them.
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || add libkrb5-dev

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${TOOLS[@]}"; exit 0; fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# dumpcap without setuid: the tests run as root, and an unprivileged user must get a permission error.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
log=$(mktemp /tmp/setup-system.XXXXXX.log)
# Another apt run (a second phase started at the same time) holds the lock: wait for it, not fail.
apt_opts=(-o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
if ! { apt-get "${apt_opts[@]}" update -qq && apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  echo "setup-system: apt-get failed installing ${need[*]}; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
still=()
for entry in "${TOOLS[@]}"; do
  read -r cmd pkg _ <<<"$entry"
  command -v "$cmd" >/dev/null 2>&1 || still+=("$cmd ($pkg)")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "setup-system: installed, but still not on PATH: ${still[*]}" >&2
  exit 1
fi
rm -f "$log"
