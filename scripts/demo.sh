#!/usr/bin/env bash
# The main job on the bundled example: what `check` finds in the widely copied recipe, what `fix` would
# change, then the proof: the recipe and the recommended setup rehearsed against real nginx + php-fpm.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh || exit $?
cli="node dist/src/cli/main.js"
echo "== fpm-graceful check examples/seed (the widely copied recipe)"
$cli check examples/seed
echo
echo "== fpm-graceful fix --diff examples/seed (what fix would change; nothing is written)"
$cli fix --diff examples/seed
echo
echo "== fpm-graceful rehearse (the recipe of examples/seed, literally, against what the tool recommends)"
echo "   exits 1 only if the recommended setup fails a request"
$cli rehearse --strategy seed,recommended --propagation 2 --replicas 3 --restarts 1 \
  --rps 30 --mix 90%:50ms,10%:12s --report rehearsal.html
status=$?
echo
echo "The report with the timeline picture: rehearsal.html"
exit $status
