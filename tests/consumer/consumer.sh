#!/usr/bin/env bash
# Uses edu-cosim the way another project does: installs the build tree
# into a scratch prefix, builds each consumer program once with
# pkg-config and once with find_package(EduCosim), runs it, then runs the
# installed edu-tb with the build tree out of reach.
#   consumer.sh BUILD_DIR WORK_DIR   (WORK_DIR outside the source tree)
set -euo pipefail
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
prefix=$work/prefix

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name edu-cmodel.pc)")

step() { echo "== $*"; }

step "C model, pkg-config $(pkg-config --modversion edu-cmodel)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$work/cmodel-pc" "$here/cmodel/main.c" \
    $(pkg-config --cflags --libs edu-cmodel)
"$work/cmodel-pc"

step "C model, find_package(EduCosim)"
cmake -S "$here/cmodel" -B "$work/cmodel-cmake" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmodel-cmake" >/dev/null
"$work/cmodel-cmake/consumer-cmodel"


# The installed programs must not reach into the source or build tree:
# run them in a mount namespace where the source tree (the build tree is
# inside it or beside it) is an empty directory.
step "installed edu-tb, the source and build trees out of reach"
top=$(cd "$here/../.." && pwd)
hide="mount -t tmpfs none '$(cd "$build" && pwd)' && mount -t tmpfs none '$top'"
unshare --mount sh -c "$hide && '$prefix/bin/edu-tb' --version &&
    '$prefix/bin/edu-tb' run --backend cmodel --quiet"
echo "consumer: all passed"
