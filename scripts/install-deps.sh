#!/usr/bin/env bash
# Installs the Debian packages regsweep needs, only those missing. Usage: install-deps.sh test|demo|screenshots|bench
# Everything the project needs from apt is listed here, so a fresh machine (and CI) needs nothing by hand.
set -euo pipefail

case "${1:-test}" in
  demo) packages=(libncurses-dev docker-registry) ;;
  test) packages=(libncurses-dev docker-registry skopeo tmux apache2-utils openssl curl) ;;
  screenshots) packages=(docker-registry tmux python3-pil fonts-dejavu-core) ;;
  # The load benchmark: the real registry, skopeo to cross-check it, wrk for the request floor.
  bench) packages=(libncurses-dev docker-registry skopeo wrk) ;;
  *) echo "usage: $0 test|demo|screenshots|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Missing packages: ${missing[*]}; run as root or install them." >&2; exit 1; }
  sudo=sudo
fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
