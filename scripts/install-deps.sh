#!/usr/bin/env bash
# Installs the Debian packages regsweep needs, only those missing. Usage: install-deps.sh test|demo|screenshots|bench
# Everything the project needs from apt is listed here, so a fresh machine (and CI) needs nothing by hand.
set -euo pipefail

case "${1:-test}" in
  demo) packages=(libncurses-dev docker-registry) ;;
  # python3-venv: the schema validators of the scheduler exports (below) live in a venv.
  test) packages=(libncurses-dev docker-registry skopeo tmux apache2-utils openssl curl python3-venv) ;;
  screenshots) packages=(docker-registry tmux python3-pil fonts-dejavu-core) ;;
  # The load benchmark: the real registry, skopeo to cross-check it, wrk for the request floor,
  # curl for the warm floor (wrk cannot replay HEADs), GNU time for a child's own peak memory,
  # tmux for the browser.
  bench) packages=(libncurses-dev docker-registry skopeo wrk tmux time curl) ;;
  *) echo "usage: $0 test|demo|screenshots|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Missing packages: ${missing[*]}; run as root or install them." >&2; exit 1; }
    sudo=sudo
  fi
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests validate the scheduler exports with the tools' own schemas: check-jsonschema (GitHub
# workflows, GitLab CI) and kubernetes-validate, from PyPI at pinned versions, in a venv of their
# own (Debian's Python refuses system-wide pip installs). The tests look for them in the same
# folder: $REGSWEEP_VALIDATORS, else ${XDG_DATA_HOME:-~/.local/share}/regsweep/validators.
if [ "${1:-test}" = test ]; then
  here="$(cd "$(dirname "$0")" && pwd)"
  venv="${REGSWEEP_VALIDATORS:-${XDG_DATA_HOME:-$HOME/.local/share}/regsweep/validators}"
  stamp="$venv/requirements.txt"
  if ! cmp -s "$here/validators-requirements.txt" "$stamp" \
    || [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/kubernetes-validate" ]; then
    echo "Installing the schema validators into $venv" >&2
    rm -rf "$venv"
    # Debian's own Python 3, whatever else is first on PATH.
    python=/usr/bin/python3
    [ -x "$python" ] || python="$(command -v python3)"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
      -r "$here/validators-requirements.txt"
    "$venv/bin/pip" check >/dev/null
    cp "$here/validators-requirements.txt" "$stamp"
  fi
fi
