#!/usr/bin/env bash
# The desktop figures of issues 8 and 14, each beside a bare Tauri v2
# hello-world built with the same profile (bench/hello), under Xvfb:
#   (e) cold start to first paint: launch -> the window is mapped and its
#       pixels are no longer uniform (screenshots of the window, so the
#       resolution is one screenshot, ~50-150 ms here; both sides alike);
#       the app opens a desk of 500 open holds and paints its first screen
#       (the authorized-use banner; the board comes after sign-in).
#   (f) summed PSS of the process and every descendant (WebKitWebProcess,
#       WebKitNetworkProcess): the app signed in showing 500 holds, 5 s after
#       the board; the hello window 5 s after first paint. (f') the same with
#       500 holds in the agreement's states (notices, claims, incidents).
#   (g) idle CPU of the app and its WebKit processes over IDLE seconds, signed
#       in with 200 live countdowns on the board; (g') the same with 200 holds
#       in the agreement's states; (g'') the wall board: the window resized to
#       2560x1400 showing 200 holds.
#
# Compositing: the app turns WebKit's hardware compositing off itself
# (src-tauri/src/webview.rs), so by default the hello baseline runs with
# WEBKIT_DISABLE_COMPOSITING_MODE=1 and both sides draw alike.
#   --app-compositing   the app keeps WebKit's default (WSO_WEBVIEW_COMPOSITING=1)
#                       and so does the hello window
#   --no-compositing    WEBKIT_DISABLE_COMPOSITING_MODE=1 for both (as in issue 8)
#   --app BIN           another build of the app (e.g. one from before a change)
#
# Build first (release, same profile for both):
#   (cd ui && npm run build)
#   cargo build --release -p wso-desk --features custom-protocol
#   cargo build --release -p wso-bench-hello --features custom-protocol
#   cargo build --release -p wso-bench
# Then: bench/app-bench.sh [--runs N] [--idle-seconds S] [--app BIN]
#                          [--app-compositing | --no-compositing]
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=5 IDLE=60 APP=target/release/wso-desk MODE=default
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --idle-seconds) IDLE=$2; shift 2 ;;
    --app) APP=$2; shift 2 ;;
    --app-compositing) MODE=compositing; shift ;;
    --no-compositing) MODE=none; shift ;;
    --mode) MODE=$2; shift 2 ;;
    -h|--help) sed -n 2,33p "$0"; exit 0 ;;
    *) echo "app-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
# One display and one session bus for the whole run (no window manager: the
# window sits at 0,0 with no title bar, which is fine for both sides). The
# screen is wall-sized so the wall board fits; other windows keep 1366x768.
if [ -z "${WSO_APP_BENCH_INNER:-}" ]; then
  exec env WSO_APP_BENCH_INNER=1 xvfb-run -a -s "-screen 0 2560x1440x24" dbus-run-session -- \
    "$0" --runs "$RUNS" --idle-seconds "$IDLE" --app "$APP" --mode "$MODE"
fi
# What each side runs with (env assignments for `env`).
case "$MODE" in
  default) APP_ENV="" HELLO_ENV="WEBKIT_DISABLE_COMPOSITING_MODE=1" ;;
  compositing) APP_ENV="WSO_WEBVIEW_COMPOSITING=1" HELLO_ENV="" ;;
  none) APP_ENV="WEBKIT_DISABLE_COMPOSITING_MODE=1" HELLO_ENV="WEBKIT_DISABLE_COMPOSITING_MODE=1" ;;
  *) echo "app-bench: unknown mode $MODE" >&2; exit 2 ;;
esac

HELLO=target/release/wso-bench-hello BENCH=target/release/wso-bench
for b in "$APP" "$BENCH"; do [ -x "$b" ] || { echo "app-bench: $b is not built (see the top of this script)" >&2; exit 1; }; done
[ -x "$HELLO" ] || { echo "app-bench: $HELLO is not built; the app is measured without its baseline" >&2; HELLO=""; }
W=$(mktemp -d "${TMPDIR:-/tmp}/wso-app-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
"$BENCH" --prepare-desk "$W/d500.db" --open 500 > /dev/null
"$BENCH" --prepare-desk "$W/d200.db" --open 200 > /dev/null
"$BENCH" --prepare-desk "$W/a500.db" --open 500 --agreement > /dev/null
"$BENCH" --prepare-desk "$W/a200.db" --open 200 --agreement > /dev/null

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
  local title=$1 db=$2 bin=$3 t0 pid wid="" x side
  side=$APP_ENV; [ "$bin" = "$HELLO" ] && side=$HELLO_ENV
  x="$W/xdg.$RANDOM$RANDOM"; mkdir -p "$x"
  t0=$(now_ms)
  env $side XDG_DATA_HOME=$x/data XDG_CACHE_HOME=$x/cache XDG_CONFIG_HOME=$x/config WSO_DB=$db "$bin" > "$x/log" 2>&1 &
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

echo "app-bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), app $APP, mode $MODE (app: ${APP_ENV:-defaults}; hello: ${HELLO_ENV:-defaults})" >&2
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

# pss_of DB: summed PSS (MiB) of the app signed in on DB.
pss_of() {
  local pid wid
  launch "WSO Desk" "$1" "$APP" > "$W/launched"; read -r pid wid _ < "$W/launched"
  sign_in "$wid"; sleep 5
  echo $(( $(pss_kb "$pid") / 1024 )); stop "$pid"
}
# idle_of DB [WIDTH HEIGHT]: % of one core over IDLE s, signed in on DB.
idle_of() {
  local pid wid t1 t2
  launch "WSO Desk" "$1" "$APP" > "$W/launched"; read -r pid wid _ < "$W/launched"
  if [ $# -ge 3 ]; then xdotool windowsize "$wid" "$2" "$3"; sleep 0.5; fi
  sign_in "$wid"; sleep 10
  t1=$(ticks "$pid"); sleep "$IDLE"; t2=$(ticks "$pid"); stop "$pid"
  awk -v d=$((t2 - t1)) -v hz="$(getconf CLK_TCK)" -v s="$IDLE" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}
app_pss=$(pss_of "$W/d500.db")
agr_pss=$(pss_of "$W/a500.db")
cpu=$(idle_of "$W/d200.db")
agr_cpu=$(idle_of "$W/a200.db")
wall_cpu=$(idle_of "$W/d200.db" 2560 1400)

hello_ms="-" hello_pss="-" r_ms="-" r_pss="-" r_agr="-" v_ms="no baseline" v_pss="no baseline" v_agr="no baseline"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
within() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { print (a <= r * b) ? "met" : "MISSED" }'; }
if [ -n "$HELLO" ]; then
  hello_ms=$(median < "$W/hello.ms")
  launch "WSO Bench Hello" "" "$HELLO" > "$W/launched"; read -r pid _ _ < "$W/launched"; sleep 5
  hello_pss=$(( $(pss_kb "$pid") / 1024 )); stop "$pid"
  r_ms=$(ratio "$app_ms" "$hello_ms"); v_ms=$(within "$app_ms" "$hello_ms" 1.2)
  r_pss=$(ratio "$app_pss" "$hello_pss"); v_pss=$(within "$app_pss" "$hello_pss" 1.1)
  r_agr=$(ratio "$agr_pss" "$hello_pss"); v_agr=$(within "$agr_pss" "$hello_pss" 1.1)
fi
under1() { awk -v c="$1" 'BEGIN { print (c < 1.0) ? "met" : "MISSED" }'; }

echo "Load at end: $(cut -d' ' -f1-3 /proc/loadavg); app $APP, mode $MODE"
echo
echo "| figure | measured | compared with (same run) | ratio | target | verdict |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| (e) cold start to first paint, 500 open holds, median of $RUNS | $app_ms ms | bare Tauri hello $hello_ms ms | $r_ms | <= 1.2x | $v_ms |"
echo "| (f) summed PSS, signed in, 500 holds on the board | $app_pss MiB | bare Tauri hello $hello_pss MiB | $r_pss | <= 1.1x | $v_pss |"
echo "| (f') summed PSS, 500 holds in the agreement's states | $agr_pss MiB | bare Tauri hello $hello_pss MiB | $r_agr | <= 1.1x | $v_agr |"
echo "| (g) idle CPU, 200 live countdowns, ${IDLE} s | $cpu% of one core | - | - | < 1% | $(under1 "$cpu") |"
echo "| (g') idle CPU, 200 holds in the agreement's states, ${IDLE} s | $agr_cpu% of one core | - | - | < 1% | $(under1 "$agr_cpu") |"
echo "| (g'') idle CPU, wall board 2560x1400, 200 holds, ${IDLE} s | $wall_cpu% of one core | - | - | < 1% | $(under1 "$wall_cpu") |"
