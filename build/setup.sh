#!/usr/bin/env bash
# Installs what building and testing need when it is missing: Debian packages through apt-get, then the
# npm packages (Bun comes from the `bun` npm package); with --bench also the tracers the benchmark compares with.
# Safe to run again: it only acts on what is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v llvm-strip >/dev/null 2>&1 || missing+=(llvm)
[ -f /usr/include/bpf/libbpf.h ] || missing+=(libbpf-dev)
[ -f /usr/include/libelf.h ] || missing+=(libelf-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v bpftool >/dev/null 2>&1 || missing+=(bpftool)
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# release checks: the man page is rendered with groff/man, the zsh completion is syntax-checked
command -v groff >/dev/null 2>&1 || missing+=(groff-base)
command -v man >/dev/null 2>&1 || missing+=(man-db)
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
# `--bench`: the other tracers npm run bench compares tracee with (not needed to build or test)
if [ "${1:-}" = "--bench" ]; then
  command -v bpftrace >/dev/null 2>&1 || missing+=(bpftrace)
  [ -x /usr/sbin/opensnoop ] || missing+=(libbpf-tools)
  command -v perf >/dev/null 2>&1 || missing+=(linux-perf)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]}) or run as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -x node_modules/.bin/bun ] || [ ! -x node_modules/.bin/asc ] || [ ! -d node_modules/citty ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2 || npm install --no-audit --no-fund --loglevel=error >&2
fi
