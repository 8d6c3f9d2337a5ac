#!/usr/bin/env bash
# CI: run `dqn watch` in a real X11 window under Xvfb and save a screenshot of the screen.
#
#   scripts/ci-screenshot.sh [OUT.png]        (default .ci-artifacts/watch.png)
#
# Environment: DQN (the binary; default: the release build, built if missing), AGENT (a run
# folder; default: the first Agents/trained/catch* folder, else a tiny catch agent trained here).
# Exits non-zero if the window did not open on X11 or the screenshot is missing or blank.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-.ci-artifacts/watch.png}"
mkdir -p "$(dirname "$out")"
rm -f "$out"

dqn="${DQN:-}"
if [ -z "$dqn" ]; then
  swift build -c release --product dqn >/dev/null
  dqn="$(swift build -c release --show-bin-path)/dqn"
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

agent="${AGENT:-}"
if [ -z "$agent" ]; then
  agent="$(find Agents/trained -mindepth 1 -maxdepth 1 -type d -name 'catch*' 2>/dev/null | sort | head -n 1 || true)"
fi
if [ -z "$agent" ] || [ ! -f "$agent/agent.yaml" ]; then
  echo "ci-screenshot: no trained catch agent found; training a tiny one"
  OPENBLAS_NUM_THREADS=1 "$dqn" train --env catch --steps 1500 --out "$scratch/catch" --quiet >/dev/null
  agent="$scratch/catch"
fi

# Inside Xvfb: start watch in a real window (SDL_VIDEODRIVER unset, so SDL uses x11), wait for
# it to draw, take the screenshot, then close it.
cat >"$scratch/inside.sh" <<'INSIDE'
#!/usr/bin/env bash
set -euo pipefail
dqn="$1"; agent="$2"; shot="$3"; log="$4"
unset SDL_VIDEODRIVER
"$dqn" watch --agent "$agent" --episodes 1000 --fps 8 >"$log" 2>&1 &
pid=$!
for tick in $(seq 1 40); do
  sleep 0.25
  if ! kill -0 "$pid" 2>/dev/null; then echo "ci-screenshot: dqn watch exited early:"; cat "$log"; exit 1; fi
  # Wait until the window is mapped (x11-utils' xwininfo lists it; without it, wait 2 s).
  if command -v xwininfo >/dev/null; then
    if xwininfo -root -tree 2>/dev/null | grep -q "dqn watch"; then break; fi
  elif [ "$tick" -ge 8 ]; then
    break
  fi
done
sleep 1.5
import -window root "$shot"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
INSIDE
chmod +x "$scratch/inside.sh"

OPENBLAS_NUM_THREADS=1 xvfb-run -a -s "-screen 0 1024x768x24" \
  "$scratch/inside.sh" "$dqn" "$agent" "$out" "$scratch/watch.log"

if [ ! -s "$out" ]; then
  echo "ci-screenshot: no screenshot at $out" >&2
  exit 1
fi
# A blank screen has one colour; the viewer draws the game, the panel, text and bars.
colors="$(identify -format '%k' "$out")"
if [ "${colors:-0}" -lt 8 ]; then
  echo "ci-screenshot: $out looks blank ($colors colours)" >&2
  exit 1
fi
echo "ci-screenshot: saved $out ($(identify -format '%wx%h' "$out"), $colors colours) of dqn watch --agent $agent"
