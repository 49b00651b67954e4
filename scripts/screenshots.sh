#!/usr/bin/env bash
# Makes screenshots/*.png of the browser's main screens from real runs: a local docker-registry seeded
# like `make demo`, the real binary driven in tmux, each screen captured with `tmux capture-pane -e`
# and drawn cell by cell into a PNG (Python Pillow, DejaVu Sans Mono).
#
# Needs: docker-registry, tmux, python3-pil, fonts-dejavu-core (Debian packages). Usage:
#   scripts/screenshots.sh            # all screens into screenshots/
#   KEEP_ANSI=1 scripts/screenshots.sh  # also keep the captured .ansi files
set -euo pipefail
cd "$(dirname "$0")/.."

out="$PWD/screenshots"
bin="$(swift build --show-bin-path)/regsweep"
python=/usr/bin/python3
font_dir=/usr/share/fonts/truetype/dejavu
[ -x "$bin" ] || { echo "Build first: swift build --product regsweep" >&2; exit 1; }
for tool in docker-registry tmux "$python"; do
  command -v "$tool" >/dev/null || { echo "Missing $tool (see scripts/install-deps.sh screenshots)" >&2; exit 1; }
done
"$python" -c 'import PIL' 2>/dev/null || { echo "Missing python3-pil" >&2; exit 1; }
[ -f "$font_dir/DejaVuSansMono.ttf" ] || { echo "Missing fonts-dejavu-core" >&2; exit 1; }

work="$(mktemp -d /tmp/regsweep-screenshots.XXXXXX)"
# One tmux server per scene (a fresh socket each time): a server that is still shutting down is never
# asked for a new session.
scene=0
socket="regsweep-shots-$$-$scene"
registry_pid=""
cleanup() {
  for n in $(seq 0 "$scene"); do tmux -L "regsweep-shots-$$-$n" kill-server 2>/dev/null || true; done
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A registry of its own, on a free loopback port, deletes enabled (as scripts/demo.sh configures one).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=""
for candidate in $(seq 5030 5060); do
  if ! listening "$candidate"; then port="$candidate"; break; fi
done
[ -n "$port" ] || { echo "No free port between 5030 and 5060." >&2; exit 1; }
mkdir -p "$work/data" "$work/home"
cat > "$work/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do listening "$port" && break; sleep 0.1; done
listening "$port" || { echo "The registry did not start; see $work/registry.log" >&2; exit 1; }
registry="127.0.0.1:$port"
echo "Seeding $registry…"
"$bin" dev seed -r "$registry" >/dev/null

width=110
height=32
# The terminal type tmux emulates, so that keys tmux sends (End, shift-tab) decode as those keys; tmux's
# own entry has italics, screen's (always installed) does not.
term=screen-256color
infocmp tmux-256color >/dev/null 2>&1 && term=tmux-256color

# start [ENV=VALUE…] -- ARGS…: a fresh tmux session running `regsweep browse -r REGISTRY ARGS…`.
start() {
  local env=()
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  tmux -L "$socket" kill-server 2>/dev/null || true
  scene=$((scene + 1))
  socket="regsweep-shots-$$-$scene"
  tmux -L "$socket" -f /dev/null new-session -d -s shot -x "$width" -y "$height" -- \
    /usr/bin/env -i HOME="$work/home" XDG_STATE_HOME="$work/home/state" XDG_CACHE_HOME="$work/home/cache" \
    PATH=/usr/bin:/bin TERM="$term" LANG=C.UTF-8 "${env[@]}" \
    "$bin" browse -r "$registry" "$@"
}
keys() { tmux -L "$socket" send-keys -t shot "$@"; }
typed() { tmux -L "$socket" send-keys -t shot -l "$1"; }
screen() { tmux -L "$socket" capture-pane -p -t shot; }

# wait_for TEXT [GONE]: until TEXT shows (and GONE, when given, does not), 60 s at most.
wait_for() {
  local deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if screen | grep -qF -- "$1" && { [ -z "${2:-}" ] || ! screen | grep -qF -- "$2"; }; then return 0; fi
    sleep 0.1
  done
  echo "Timed out waiting for '$1'${2:+ without '$2'}; the screen was:" >&2
  screen >&2
  exit 1
}

# wait_for_regex PATTERN: until an extended regex matches a line of the screen, 60 s at most.
wait_for_regex() {
  local deadline=$((SECONDS + 60))
  while [ "$SECONDS" -lt "$deadline" ]; do
    screen | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  echo "Timed out waiting for /$1/; the screen was:" >&2
  screen >&2
  exit 1
}

# open_my_app: selects my-app by searching for it, clears the search, and focuses its tags.
open_my_app() {
  keys /
  typed "my-app"
  keys Enter Escape Enter
}

# shot NAME: the screen as it is, with colours and attributes, into screenshots/NAME.png.
shot() {
  sleep 0.3  # let the frame that showed the awaited text finish drawing
  tmux -L "$socket" capture-pane -e -N -p -t shot > "$work/$1.ansi"
  "$python" - "$work/$1.ansi" "$out/$1.png" "$width" "$height" "$font_dir" <<'PY'
import re, sys
from PIL import Image, ImageDraw, ImageFont

source, target, columns, rows, font_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
size = 15
fonts = {
    (False, False): ImageFont.truetype(f"{font_dir}/DejaVuSansMono.ttf", size),
    (True, False): ImageFont.truetype(f"{font_dir}/DejaVuSansMono-Bold.ttf", size),
    (False, True): ImageFont.truetype(f"{font_dir}/DejaVuSansMono-Oblique.ttf", size),
    (True, True): ImageFont.truetype(f"{font_dir}/DejaVuSansMono-BoldOblique.ttf", size),
}
# DejaVu Sans Mono has no Braille (the spinner); DejaVu Sans has, at the same size.
braille = ImageFont.truetype(f"{font_dir}/DejaVuSans.ttf", size)
regular = fonts[(False, False)]
ascent, descent = regular.getmetrics()
cell_w, cell_h = round(regular.getlength("M")), ascent + descent

# xterm's 256-colour palette, with a dark default background.
base16 = ["#1c1c1c", "#d75f5f", "#5faf5f", "#d7af5f", "#5f87d7", "#af5fd7", "#5fafaf", "#c6c6c6",
          "#767676", "#ff7b7b", "#87d787", "#ffd787", "#87afff", "#d787ff", "#87d7d7", "#ffffff"]
palette = base16[:]
levels = [0, 95, 135, 175, 215, 255]
for r in levels:
    for g in levels:
        for b in levels:
            palette.append("#%02x%02x%02x" % (r, g, b))
for i in range(24):
    v = 8 + 10 * i
    palette.append("#%02x%02x%02x" % (v, v, v))
default_fg, default_bg = "#d0d0d0", "#121212"

def blend(a, b, t):
    a, b = [int(a[i:i + 2], 16) for i in (1, 3, 5)], [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))

image = Image.new("RGB", (columns * cell_w + 16, rows * cell_h + 16), default_bg)
draw = ImageDraw.Draw(image)
text = open(source, encoding="utf-8", errors="replace").read().split("\n")[:rows]
sgr = re.compile(r"\x1b\[([0-9;]*)m")
for y, line in enumerate(text):
    fg = bg = None
    bold = dim = italic = underline = reverse = False
    x = 0
    position = 0
    while position < len(line) and x < columns:
        match = sgr.match(line, position)
        if match:
            codes = [int(c) if c else 0 for c in match.group(1).split(";")] or [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0: fg = bg = None; bold = dim = italic = underline = reverse = False
                elif c == 1: bold = True
                elif c == 2: dim = True
                elif c == 3: italic = True
                elif c == 4: underline = True
                elif c == 7: reverse = True
                elif c == 22: bold = dim = False
                elif c == 23: italic = False
                elif c == 24: underline = False
                elif c == 27: reverse = False
                elif 30 <= c <= 37: fg = palette[c - 30]
                elif 90 <= c <= 97: fg = palette[c - 90 + 8]
                elif 40 <= c <= 47: bg = palette[c - 40]
                elif 100 <= c <= 107: bg = palette[c - 100 + 8]
                elif c == 39: fg = None
                elif c == 49: bg = None
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    if c == 38: fg = palette[codes[i + 2]]
                    else: bg = palette[codes[i + 2]]
                    i += 2
                elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                    value = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    if c == 38: fg = value
                    else: bg = value
                    i += 4
                i += 1
            position = match.end()
            continue
        if line[position] == "\x1b":  # another escape sequence: skip it
            end = re.match(r"\x1b\[[0-9;?]*[A-Za-z]", line[position:])
            position += end.end() if end else 1
            continue
        char = line[position]
        position += 1
        foreground, background = fg or default_fg, bg or default_bg
        if bold and fg in base16[:8]: foreground = palette[base16.index(fg) + 8]
        if reverse: foreground, background = background, foreground
        if dim: foreground = blend(foreground, background, 0.45)
        left, top = 8 + x * cell_w, 8 + y * cell_h
        draw.rectangle([left, top, left + cell_w - 1, top + cell_h - 1], fill=background)
        if char != " ":
            font = braille if 0x2800 <= ord(char) <= 0x28FF else fonts[(bold, italic)]
            draw.text((left, top), char, font=font, fill=foreground)
        if underline:
            draw.line([left, top + ascent + 1, left + cell_w - 1, top + ascent + 1], fill=foreground)
        x += 1
image.save(target)
PY
  [ -n "${KEEP_ANSI:-}" ] && cp "$work/$1.ansi" "$out/$1.ansi"
  echo "  $out/$1.png"
}

mkdir -p "$out"
article=(--filter 'my-app:^((?!prod|dev).)*$' --ago 0d --untagged)

# The first scenes only look; the later ones delete (my-app, then ci-builds).
echo "The live preview…"
start --
wait_for "Repositories (6)" "listing"
keys /
typed "my-app"
keys Enter
wait_for "Tags of my-app (6)" "loading"
keys Escape f C-u
typed "my-app:.*"
keys Tab
typed 'my-app:^prod$'
keys Tab
typed "0d"
keys Tab
typed "1"
keys Tab Space
wait_for "kept (--keep)"
shot live-preview
keys BTab BTab BTab BTab End
typed "["
wait_for "invalid regular expression"
shot composer-error

echo "A policy file in the composer, and its write-back diff…"
cat > "$work/retention.yaml" <<'YAML'
# Retention for the demo registry: reviewed in pull requests.
protect: ['.*:^prod$']               # production stays
rules:
  - name: releases
    action: keep
    filters: ['.*:^[0-9]+\.[0-9]+\.[0-9]+$']
  - name: ci
    filters: ['ci-builds:.*']
    ago: 14d
    keep: 10
    untagged: true
  - name: dev
    filters: ['.*:^dev$']
    ago: 0d
YAML
start -- --policy "$work/retention.yaml"
wait_for "Repositories (6)" "listing"
open_my_app
wait_for "Tags of my-app (6)" "loading"
keys f j j
wait_for " 3 dev delete "
shot policy-editor
keys Tab Tab Space Enter w
wait_for "y writes, n or esc does not"
shot policy-diff
keys n

echo "Without colour, and without Unicode…"
start NO_COLOR=1 -- "${article[@]}"
wait_for "Plan: 4 tags and 3 manifests"
open_my_app
wait_for "Tags of my-app (6)" "loading"
shot browse-no-color
start LANG=C -- "${article[@]}"
wait_for "Plan: 4 tags and 3 manifests"
open_my_app
wait_for "Tags of my-app (6)" "loading"
shot browse-ascii

echo "Browsing, help, export, confirm, result…"
start -- "${article[@]}"
wait_for "Plan: 4 tags and 3 manifests"
open_my_app
wait_for "Tags of my-app (6)" "loading"
shot browse
keys m
wait_for "Manifests of my-app (5)"
shot manifests
keys m '?'
wait_for "Browsing"
shot help
keys Escape e Tab
wait_for "az acr task create"
shot export
keys Escape D
wait_for "[ Cancel ]"
shot confirm
keys y
wait_for "The inventory was reloaded."
shot result

echo "A long deletion: progress, the stop confirmation, the result…"
start -- --filter 'ci-builds:.*' --ago 0d --untagged
wait_for "Repositories (6)" "listing"
keys j Enter
wait_for "Plan: 300 tags and 300 manifests" "loading"
keys D
wait_for "type 600 and press enter"
typed "600"
keys Enter
wait_for "Deleting from"
wait_for_regex "deleted ([3-9][0-9]|[0-9]{3}) "
shot progress
keys C-c
wait_for "Stop the deletion?"
shot interrupt
keys y
wait_for "Deletion interrupted"
shot result-interrupted

echo "Done: $(ls "$out"/*.png | wc -l) screenshots in $out"
