#!/usr/bin/env bash
# A new user's first two commands, timed: a fresh clone of this repository
# with an empty cargo home (so the registry is downloaded too) and no
# target directory runs the README's first command, then its test command.
# Prints both wall times, and the crates that took longest in the first
# build (from `cargo build --timings`, run as part of the first command).
#
#   bash benches/cold_build.sh            # clone HEAD into a temporary folder
#   KEEP=1 bash benches/cold_build.sh     # keep the folder afterwards
#
# It takes as long as it measures (about 20 minutes on 2 cores); run it on
# an otherwise idle machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/awsrun-cold.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
git clone -q "$repo" "$work/awsrun"
export CARGO_HOME="$work/cargo-home"
mkdir -p "$CARGO_HOME"
# The toolchain comes from rustup, not from the (empty) cargo home.
cargo="$(command -v cargo)"
cd "$work/awsrun"
readme_command() {
  awk -v start="$1" '$0 ~ start {f=1} f && /^```sh/ {getline; print; exit}' README.md
}
first=$(readme_command '^See the tutorial')
tests=$(readme_command '^Run the tests')
[ -n "$first" ] && [ -n "$tests" ] || { echo "README commands not found" >&2; exit 1; }
echo "first command: $first"
echo "test command:  $tests"
export PATH="$(dirname "$cargo"):$PATH"

t0=$(date +%s)
"$cargo" build --timings --quiet
bash -c "$first" > /dev/null
t1=$(date +%s)
bash -c "$tests" > "$work/tests.log" 2>&1 || { tail -40 "$work/tests.log"; exit 1; }
t2=$(date +%s)

printf 'first command (cold, with its registry download): %dm%02ds\n' $(((t1 - t0) / 60)) $(((t1 - t0) % 60))
printf 'test command after it:                            %dm%02ds\n' $(((t2 - t1) / 60)) $(((t2 - t1) % 60))
grep -E '^test result:' "$work/tests.log"
python3 - "$work/awsrun/target/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
units = json.loads(re.search(r'const UNIT_DATA = (\[.*?\]);\n', open(sys.argv[1]).read(), re.S).group(1))
print("longest crates of the first build (start .. end, seconds):")
for u in sorted(units, key=lambda u: -u["duration"])[:10]:
    print(f"  {u['name']:32} {u['start']:7.1f} .. {u['start'] + u['duration']:7.1f}  ({u['duration']:.1f})")
PY
