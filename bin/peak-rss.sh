#!/usr/bin/env bash
# Runs a command and prints the peak resident memory (VmHWM) of it and its direct children, polled every 0.3 s:
#   bin/peak-rss.sh ./vae4j train --data fashion --fashion-dir ../shared/data --epochs 10 --no-images
# (./vae4j execs java, so the JVM is the command's own process.) Prints PEAK_RSS_KB=... and the exit code.
"$@" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  for p in $pid $(pgrep -P "$pid"); do
    v=$(awk '/VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null)
    [[ -n "$v" && "$v" -gt "$peak" ]] && peak=$v
  done
  sleep 0.3
done
wait "$pid"
rc=$?
echo "PEAK_RSS_KB=$peak rc=$rc"
exit $rc
