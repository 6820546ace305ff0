#!/bin/bash
# CPU used by an idle explorer in a real terminal (tmux), from /proc: on Explore, on the Loop lab tab, and
# after leaving it. Usage: benchmarks/idle_cpu.sh [DATABASE]   (needs tmux; Linux)
db="${1:-}"
tmux kill-session -t idle-cpu 2>/dev/null
tmux new-session -d -s idle-cpu -x 170 -y 48 "sqla-explore $db"
sleep 5
pid=$(pgrep -nf "bin/sqla-explore $db" || pgrep -nf "sqla-explore")
measure() {
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 10; after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  printf '%-22s %5.1f%% of a core\n' "$1" "$(echo "($after - $before) / 10" | bc -l)"
}
echo "load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%H:%M) UTC"
measure "Explore tab"
tmux send-keys -t idle-cpu F2; sleep 0.5; tmux send-keys -t idle-cpu F2; sleep 2
measure "Loop lab tab (shown)"
tmux send-keys -t idle-cpu F2; sleep 2
measure "after leaving the lab"
tmux kill-session -t idle-cpu
