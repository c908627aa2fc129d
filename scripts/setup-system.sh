#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when something is missing, so repeated runs are quick.
#   chromium            real browser for the workbench UI tests (driven by playwright-core)
#   libkrb5-dev         headers for code-server's `kerberos` native module
#   ripgrep             code-server's search binary (its npm package would download one otherwise)
#   tcpdump tshark      real captures of real traffic, and tshark as the reference TCP reassembler
#   lz4 zstd            the reference compressors for the LZ4 / ZSTD message-body decoder tests
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v tshark >/dev/null || need+=(tshark)
command -v lz4 >/dev/null || need+=(lz4)
command -v zstd >/dev/null || need+=(zstd)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
