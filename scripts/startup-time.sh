#!/usr/bin/env bash
# Time from launch until the window shows the rendered dashboard: the
# sidebar region of a screenshot stops being a flat colour (the empty window
# is flat there), under Xvfb.
: "${DISPLAY:?run under Xvfb: xvfb-run -a -s '-screen 0 1400x900x24' scripts/startup-time.sh}"
for run in 1 2 3 4; do
  start=$(date +%s%N)
  ${SHIPDECK_BIN:-build/bin/shipdeck} --data-dir ${FLEET:?set FLEET to a fleet data directory (a copy: it is migrated)} >/dev/null 2>&1 &
  pid=$!
  while true; do
    import -window root "${TMPDIR:-/tmp}/startup.png" 2>/dev/null
    sd=$(convert "${TMPDIR:-/tmp}/startup.png" -crop 230x70+285+180 -format '%[fx:standard_deviation]' info:)
    now=$(date +%s%N)
    if awk "BEGIN{exit !($sd > 0.02)}"; then echo "run $run: dashboard after $(( (now - start) / 1000000 )) ms (region stddev $sd)"; break; fi
    if [ $(( (now - start) / 1000000 )) -gt 20000 ]; then echo "run $run: timeout"; break; fi
  done
  kill -TERM $pid; wait $pid
done
