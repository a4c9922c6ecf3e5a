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

# Prints the Debian archive URI the host's own apt uses for bookworm (or the host's codename), main
# component: the first enabled `deb` entry of /etc/apt/sources.list, then sources.list.d/*.list (one-line
# form) and *.sources (deb822) in name order. Security/updates suites, deb-src, `Enabled: no` stanzas and
# `[options]` are skipped. mirror+file: and cdrom: cannot feed debootstrap: refused naming the file.
# Same rules as dev.kldload.kube.golden.AptSources. Argument: the root to read (default /).
labvm_host_mirror() {
  local root=${1:-} codename="" f found="" refused=""
  if [ -f "$root/etc/os-release" ]; then
    codename=$(sed -n 's/^VERSION_CODENAME=["]\{0,1\}\([^"]*\)["]\{0,1\}$/\1/p' "$root/etc/os-release")
  fi
  local files=()
  [ -f "$root/etc/apt/sources.list" ] && files+=("$root/etc/apt/sources.list")
  if [ -d "$root/etc/apt/sources.list.d" ]; then
    mapfile -t -O "${#files[@]}" files < <(find "$root/etc/apt/sources.list.d" -maxdepth 1 -type f \
      \( -name '*.list' -o -name '*.sources' \) | LC_ALL=C sort)
  fi
  # Each file as lines "FILE<TAB>URI<TAB>SUITE<TAB>COMPONENTS", in order.
  local entries
  entries=$(for f in "${files[@]}"; do
    case $f in
      *.sources)
        awk -v file="$f" '
          function flush(  i, j, nu, ns, u, s) {
            if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
              nu = split(uris, u, " "); ns = split(suites, s, " ")
              for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) printf "%s\t%s\t%s\t%s\n", file, u[i], s[j], comps
            }
            types = uris = suites = comps = ""; enabled = "yes"
          }
          BEGIN { enabled = "yes" }
          /^[[:space:]]*$/ { flush(); next }
          /^#/ { next }
          {
            key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
            if (key == "types") types = val; else if (key == "uris") uris = val
            else if (key == "suites") suites = val; else if (key == "components") comps = val
            else if (key == "enabled") enabled = val
          }
          END { flush() }' "$f" ;;
      *)
        awk -v file="$f" '
          { sub(/#.*/, "") }
          $1 == "deb" {
            rest = $0; sub(/^[[:space:]]*deb[[:space:]]+/, "", rest)
            if (rest ~ /^\[/) { sub(/^\[[^]]*\][[:space:]]*/, "", rest) }
            # the URI is one word, except cdrom:[label with blanks]/
            if (!match(rest, /^[^[:space:]]*\[[^]]*\][^[:space:]]*/)) match(rest, /^[^[:space:]]*/)
            uri = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
            n = split(rest, w, " "); if (n < 1) next
            comps = ""; for (i = 2; i <= n; i++) comps = comps (i > 2 ? " " : "") w[i]
            printf "%s\t%s\t%s\t%s\n", file, uri, w[1], comps
          }' "$f" ;;
    esac
  done)
  local file uri suite comps
  while IFS=$'\t' read -r file uri suite comps; do
    [ -n "$uri" ] || continue
    [ "$suite" = bookworm ] || { [ -n "$codename" ] && [ "$suite" = "$codename" ]; } || continue
    case " $comps " in *" main "*) ;; *) continue ;; esac
    case $uri in
      http:*|https:*|file:*) found=$uri; break ;;
      *) [ -n "$refused" ] || refused="$file: $uri" ;;
    esac
  done <<<"$entries"
  if [ -n "$found" ]; then
    printf '%s\n' "$found"
  elif [ -n "$refused" ]; then
    labvm_die "the Debian archive in ${refused%%: *} is '${refused#*: }', which debootstrap cannot use; set KLDLOAD_LABVM_MIRROR"
  else
    labvm_die "no enabled 'deb' entry for bookworm${codename:+ or $codename} with component main in $root/etc/apt; set KLDLOAD_LABVM_MIRROR"
  fi
}
