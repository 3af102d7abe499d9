#!/usr/bin/env bash
# The desktop figures of issue 8, each beside a bare Tauri v2 hello-world built
# with the same profile (bench/hello), under Xvfb:
#   (e) cold start to first paint: launch -> the window is mapped and its
#       pixels are no longer uniform (screenshots of the window, so the
#       resolution is one screenshot, ~50-150 ms here; both sides alike);
#       the app opens a desk of 500 open holds and paints its first screen
#       (the authorized-use banner; the board comes after sign-in).
#   (f) summed PSS of the process and every descendant (WebKitWebProcess,
#       WebKitNetworkProcess): the app signed in showing 500 holds, 5 s after
#       the board; the hello window 5 s after first paint.
#   (g) idle CPU of the app and its WebKit processes over IDLE seconds, signed
#       in with 200 live countdowns on the board.
#
# Build first (release, same profile for both):
#   (cd ui && npm run build)
#   cargo build --release -p wso-desk --features custom-protocol
#   cargo build --release -p wso-bench-hello --features custom-protocol
#   cargo build --release -p wso-bench
# Then: bench/app-bench.sh [--runs N] [--idle-seconds S] [--no-compositing]
# (--no-compositing sets WEBKIT_DISABLE_COMPOSITING_MODE=1 for both sides.)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=5 IDLE=60
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --idle-seconds) IDLE=$2; shift 2 ;;
    --no-compositing) export WEBKIT_DISABLE_COMPOSITING_MODE=1; shift ;;
    -h|--help) sed -n 2,21p "$0"; exit 0 ;;
    *) echo "app-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
# One display and one session bus for the whole run (no window manager: the
# window sits at 0,0 with no title bar, which is fine for both sides).
if [ -z "${WSO_APP_BENCH_INNER:-}" ]; then
  exec env WSO_APP_BENCH_INNER=1 xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- \
    "$0" --runs "$RUNS" --idle-seconds "$IDLE" ${WEBKIT_DISABLE_COMPOSITING_MODE:+--no-compositing}
fi

APP=target/release/wso-desk HELLO=target/release/wso-bench-hello BENCH=target/release/wso-bench
for b in "$APP" "$BENCH"; do [ -x "$b" ] || { echo "app-bench: $b is not built (see the top of this script)" >&2; exit 1; }; done
[ -x "$HELLO" ] || { echo "app-bench: $HELLO is not built; the app is measured without its baseline" >&2; HELLO=""; }
W=$(mktemp -d "${TMPDIR:-/tmp}/wso-app-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
"$BENCH" --prepare-desk "$W/d500.db" --open 500 > /dev/null
"$BENCH" --prepare-desk "$W/d200.db" --open 200 > /dev/null

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
tree() { echo "$1"; local c; for c in $(pgrep -P "$1" || true); do tree "$c"; done; }
# Sums over the process tree; each process's share goes to stderr, to see where it went.
pss_kb() {
  local s=0 p v
  for p in $(tree "$1"); do
    v=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0); s=$((s + ${v:-0}))
    echo "app-bench:   PSS $(cat "/proc/$p/comm" 2>/dev/null) $((${v:-0} / 1024)) MiB" >&2
  done
  echo $s
}
ticks() {
  local s=0 p v
  for p in $(tree "$1"); do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); s=$((s + ${v:-0}))
    echo "app-bench:   CPU ticks so far $(cat "/proc/$p/comm" 2>/dev/null) ${v:-0}" >&2
  done
  echo $s
}
uniform() { # the window's pixels: 1 while blank (standard deviation ~0)
  local sd
  sd=$(import -silent -window "$1" miff:- 2>/dev/null | /usr/bin/convert - -resize 25% -colorspace gray \
        -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)
  awk -v sd="$sd" 'BEGIN { exit !(sd < 0.01) }'
}
stop() { local pids; pids=$(tree "$1"); kill $pids 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# launch TITLE DB BINARY: starts it with fresh XDG folders (no WebKit cache
# from an earlier run), prints "PID WINDOW PAINT_MS".
launch() {
  local title=$1 db=$2 bin=$3 t0 pid wid="" x
  x="$W/xdg.$RANDOM$RANDOM"; mkdir -p "$x"
  t0=$(now_ms)
  XDG_DATA_HOME=$x/data XDG_CACHE_HOME=$x/cache XDG_CONFIG_HOME=$x/config WSO_DB=$db "$bin" > "$x/log" 2>&1 &
  pid=$!
  while [ -z "$wid" ]; do
    wid=$(xdotool search --onlyvisible --name "^$title\$" 2>/dev/null | head -1 || true)
    [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "app-bench: $title never showed: $(cat "$x/log")" >&2; exit 1; }
  done
  while uniform "$wid"; do
    [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "app-bench: $title never painted" >&2; exit 1; }
  done
  echo "$pid $wid $(( $(now_ms) - t0 ))"
}
sign_in() { # banner (its button has focus) -> sign-in form (the user name field has focus)
  # No window manager: keyboard focus follows the pointer, so park it on the window.
  xdotool mousemove --window "$1" 683 700; sleep 0.3
  xdotool key Return; sleep 1
  xdotool type --delay 20 "dep.jones"; xdotool key Tab
  xdotool type --delay 20 "demo-deputy-pass"; xdotool key Return
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

echo "app-bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-unset}" >&2
: > "$W/app.ms"; : > "$W/hello.ms"
for i in $(seq "$RUNS"); do
  # Alternate the two so load from other work lands on both alike.
  launch "WSO Desk" "$W/d500.db" "$APP" > "$W/launched"; read -r pid _ ms < "$W/launched"; echo "$ms" >> "$W/app.ms"; stop "$pid"
  if [ -n "$HELLO" ]; then
    launch "WSO Bench Hello" "" "$HELLO" > "$W/launched"; read -r pid _ ms < "$W/launched"; echo "$ms" >> "$W/hello.ms"; stop "$pid"
  fi
  echo "app-bench: run $i: app $(tail -1 "$W/app.ms") ms${HELLO:+, hello $(tail -1 "$W/hello.ms") ms}" >&2
done
app_ms=$(median < "$W/app.ms")

launch "WSO Desk" "$W/d500.db" "$APP" > "$W/launched"; read -r pid wid _ < "$W/launched"
sign_in "$wid"; sleep 5
app_pss=$(( $(pss_kb "$pid") / 1024 )); stop "$pid"

launch "WSO Desk" "$W/d200.db" "$APP" > "$W/launched"; read -r pid wid _ < "$W/launched"
sign_in "$wid"; sleep 10
t1=$(ticks "$pid"); sleep "$IDLE"; t2=$(ticks "$pid"); stop "$pid"
cpu=$(awk -v d=$((t2 - t1)) -v hz="$(getconf CLK_TCK)" -v s="$IDLE" 'BEGIN { printf "%.2f", 100 * d / hz / s }')

hello_ms="-" hello_pss="-" r_ms="-" r_pss="-" v_ms="no baseline" v_pss="no baseline"
if [ -n "$HELLO" ]; then
  hello_ms=$(median < "$W/hello.ms")
  launch "WSO Bench Hello" "" "$HELLO" > "$W/launched"; read -r pid _ _ < "$W/launched"; sleep 5
  hello_pss=$(( $(pss_kb "$pid") / 1024 )); stop "$pid"
  r_ms=$(awk -v a="$app_ms" -v b="$hello_ms" 'BEGIN { printf "%.2fx", a / b }')
  r_pss=$(awk -v a="$app_pss" -v b="$hello_pss" 'BEGIN { printf "%.2fx", a / b }')
  v_ms=$(awk -v a="$app_ms" -v b="$hello_ms" 'BEGIN { print (a <= 1.2 * b) ? "met" : "MISSED" }')
  v_pss=$(awk -v a="$app_pss" -v b="$hello_pss" 'BEGIN { print (a <= 1.1 * b) ? "met" : "MISSED" }')
fi
v_cpu=$(awk -v c="$cpu" 'BEGIN { print (c < 1.0) ? "met" : "MISSED" }')

echo "Load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| figure | measured | compared with (same run) | ratio | target | verdict |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| (e) cold start to first paint, 500 open holds, median of $RUNS | $app_ms ms | bare Tauri hello $hello_ms ms | $r_ms | <= 1.2x | $v_ms |"
echo "| (f) summed PSS, signed in, 500 holds on the board | $app_pss MiB | bare Tauri hello $hello_pss MiB | $r_pss | <= 1.1x | $v_pss |"
echo "| (g) idle CPU, 200 live countdowns, ${IDLE} s | $cpu% of one core | - | - | < 1% | $v_cpu |"
