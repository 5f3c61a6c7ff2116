#!/usr/bin/env bash
# One-step setup on Debian 12: system packages (apt-get), then a virtualenv in
# .venv with rvpack, its Python dependencies and the pinned toolchain wheels
# (zig, xuantie-qemu).
# Idempotent and quick when nothing changed; run it as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  bazel-bootstrap        # Bazel 4.2.3: builds every bundle (offline, see WORKSPACE)
  default-jdk-headless   # Bazel's JVM
  qemu-user-static       # qemu-riscv64-static: runs RISC-V bundles here
  device-tree-compiler   # dtc: Spike (rvpack bench) needs it
  g++                    # builds rvpack's Spike profile extension (bench: instruction mix, cycles)
  llvm-19                # llvm-mca-19: the kernel report's static cycle model (python -m rvpack.sdk.kernel_bench)
  openssh-client openssh-server  # rvpack deploy (ssh/scp); its tests run a throwaway sshd
  nginx                  # the tests' Bazel remote cache server (HTTP + WebDAV PUT on 127.0.0.1)
  libglib2.0-0 libgnutls30 libgcrypt20  # xuantie-qemu (P extension, XTheadVector) links them
  python3-venv python3-pip
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.rvpack-setup
want=$(cat pyproject.toml toolchains/toolchain-requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r toolchains/toolchain-requirements.txt
  .venv/bin/python -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi
