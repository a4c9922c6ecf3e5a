# Shared helpers for the lab VM scripts (sourced by build, run, lab-tests). Not part of the image recipe.
# shellcheck shell=bash

LABVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABVM_CACHE_ROOT=${KLDLOAD_LABVM_CACHE:-$HOME/.cache/kldload/labvm}

labvm_log() { printf 'labvm: %s\n' "$*" >&2; }
labvm_die() { printf 'labvm: error: %s\n' "$*" >&2; exit 1; }

# The files whose content defines the guest image. Their sha256 is the cache key.
labvm_recipe_files() {
  (cd "$LABVM_DIR" && { printf '%s\n' build packages.txt build-packages.txt; find guest -type f | LC_ALL=C sort; })
}

labvm_recipe_hash() {
  local f
  (cd "$LABVM_DIR" && labvm_recipe_files | while read -r f; do
     printf '%s  %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "$f"
   done) | sha256sum | cut -d' ' -f1
}

labvm_image_dir() { printf '%s/%s\n' "$LABVM_CACHE_ROOT" "$(labvm_recipe_hash)"; }

# Installs the Debian packages that provide the given commands, when any is missing.
# Arguments: pairs "command:package".
labvm_ensure_host_tools() {
  local pair cmd pkg missing=()
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  [ "$(id -u)" = 0 ] || labvm_die "missing host packages (${missing[*]}) and not root to install them"
  command -v apt-get >/dev/null 2>&1 || labvm_die "missing host packages (${missing[*]}) and no apt-get"
  labvm_log "installing host packages: ${missing[*]}"
  # Unreachable third-party sources must not stop us; the Debian archive is what matters.
  apt-get update -q >&2 || labvm_log "warning: apt-get update reported errors (continuing)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}
