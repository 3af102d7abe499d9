#!/usr/bin/env bash
# Soak and fault tests for WSO Desk (issue 8), driving the real `wsoctl` and
# `wso-endpoint` binaries on a temp folder. Bounded: every phase has a count.
#
#   scripts/soak.sh --short                 # CI: ~1-2 minutes
#   scripts/soak.sh [CYCLES] [OFFLINE_EVENTS] [--release] [--keep] [--no-build]
#                                           # long run, e.g. scripts/soak.sh 1000 5000
#
# Phases:
#  1. crash: CYCLES cycles; each starts 3 concurrent wsoctl writes (hold open /
#     move / release, and `wsoctl sync`), kills -9 each with probability 2/3
#     after a random 0-100 ms (if still running), then checks: every hold
#     whose `hold open` exited 0 exists, every acknowledged release is closed,
#     `wsoctl audit verify` exits 0 (it opens with PRAGMA quick_check and walks
#     both hash chains). At the end one clean sync must deliver every event
#     exactly once (seq 1..N, each once, at the endpoint).
#  2. clock: the wall clock stepped +2 h and -2 h (libfaketime, frozen clock):
#     a hold's deadline_at is identical and remaining_seconds moves by exactly
#     the step.
#  3. offline: OFFLINE_EVENTS events recorded while the desk is offline with its
#     clock 72 h behind, a failed sync keeps them, then the endpoint comes back
#     with faults armed in about 20% of 50 ms slots (busy, stored-but-502, reset
#     connection); everything must arrive exactly once.
# Exits non-zero on the first broken promise, naming it.
set -euo pipefail
cd "$(dirname "$0")/.."

CYCLES=1000 OFFLINE=5000 PROFILE=debug KEEP=0 BUILD=1 POSITIONAL=()
for arg in "$@"; do
  case "$arg" in
    --short) CYCLES=40 OFFLINE=300 ;;
    --release) PROFILE=release ;;
    --keep) KEEP=1 ;;
    --no-build) BUILD=0 ;;   # CI: use what `cargo build --workspace` already built
    -h|--help) sed -n 2,24p "$0"; exit 0 ;;
    --*) echo "soak: unknown option $arg" >&2; exit 2 ;;
    *) POSITIONAL+=("$arg") ;;
  esac
done
if [ ${#POSITIONAL[@]} -ge 1 ]; then CYCLES=${POSITIONAL[0]}; fi
if [ ${#POSITIONAL[@]} -ge 2 ]; then OFFLINE=${POSITIONAL[1]}; fi

say() { printf "\n== %s [%d s] ==\n" "$*" "$SECONDS"; }
exec 3>&2   # failures always reach the terminal, even from a loop whose stderr is off
fail() { echo "soak: FAILED: $*" >&3; exit 1; }
command -v faketime >/dev/null || fail "faketime is not installed (Debian package faketime; scripts/setup.sh installs it)"
# Debian's own python3 starts fastest (a pyenv shim costs ~0.2 s per call).
PY=/usr/bin/python3; [ -x "$PY" ] || PY=$(command -v python3) || fail "python3 is needed for the JSON checks"
# Reads all its input: a reader that quits early would break wsoctl's pipe.
hold_id_of() { awk -F'"' '/"hold_id"/ && !done { print $4; done = 1 }'; }

if [ "$BUILD" = 1 ]; then
  say "Build wsoctl and wso-endpoint ($PROFILE)"
  flag=(); [ "$PROFILE" = release ] && flag=(--release)
  cargo build "${flag[@]}" --quiet -p wso-core --bin wsoctl -p wso-endpoint --bin wso-endpoint
fi
WSOCTL="$PWD/target/$PROFILE/wsoctl"
ENDPOINT_BIN="$PWD/target/$PROFILE/wso-endpoint"
for b in "$WSOCTL" "$ENDPOINT_BIN"; do [ -x "$b" ] || fail "$b is not built"; done

W=$(mktemp -d "${TMPDIR:-/tmp}/wso-soak.XXXXXX")
ENDPOINT_PID=""
cleanup() {
  [ -n "$ENDPOINT_PID" ] && kill "$ENDPOINT_PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "soak: kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

export WSO_DB="$W/desk.db" WSO_USER=dep
DESK_ID=soak-desk TOKEN=soak-desk-token ADMIN=soak-admin-token
echo "$TOKEN" > "$W/token"
# Short backoff and request timeout (hidden test knobs of `wsoctl sync`) so
# retries after injected faults take milliseconds, not the protocol's seconds.
export WSO_SYNC_BACKOFF_BASE_MS=20 WSO_SYNC_BACKOFF_CAP_MS=300 WSO_SYNC_REQUEST_TIMEOUT_MS=3000

ctl() { "$WSOCTL" "$@"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

say "Desk"
cp core/src/demo/facility.toml "$W/facility.toml"
echo "soak-admin-pass-2026" | ctl init --facility "$W/facility.toml" --desk-id "$DESK_ID" --admin admin --password-stdin >/dev/null
# cli.md: `--as` needs a signed-in user. Sessions live in this run's own
# runtime dir; the deputy first changes the password the admin issued.
export XDG_RUNTIME_DIR="$W/run"; mkdir -m 700 "$XDG_RUNTIME_DIR"
echo "soak-admin-pass-2026" | ctl login --as admin --password-stdin >/dev/null
echo "soak-issued-pass-2026" | ctl user add --username dep --full-name "Dep. Soak" --role deputy --password-stdin --as admin >/dev/null
printf 'soak-issued-pass-2026\nsoak-deputy-pass-2026\n' | ctl user password --as dep --password-stdin >/dev/null
echo "soak-deputy-pass-2026" | ctl login --as dep --password-stdin >/dev/null
# Under faketime a session would lapse (or be stamped 72 h back): those
# commands sign in for themselves with the password file.
( umask 077; echo "soak-deputy-pass-2026" > "$W/dep.pw" )
ctl officer add --credential WSO-1 --name "Dep. Officer" --trained-on "$(date -u -d '-100 days' +%F)" \
  --expires-on "$(date -u -d '+300 days' +%F)" --authorized-on "$(date -u -d '-100 days' +%F)" --as admin >/dev/null
echo "desk at $WSO_DB"

start_endpoint() { # $1: extra args
  : > "$W/endpoint.out"
  "$ENDPOINT_BIN" serve --db "$W/endpoint.db" --listen 127.0.0.1:0 --token "$DESK_ID@pinellas-main=$TOKEN" \
    --admin-token "$ADMIN" --test-faults $1 > "$W/endpoint.out" 2>> "$W/endpoint.err" &
  ENDPOINT_PID=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$W/endpoint.out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening on //p' "$W/endpoint.out")
  [ -n "$URL" ] || fail "the endpoint did not start: $(cat "$W/endpoint.err")"
}
stop_endpoint() { kill "$ENDPOINT_PID" 2>/dev/null || true; wait "$ENDPOINT_PID" 2>/dev/null || true; ENDPOINT_PID=""; }
# --retry-all-errors: a reset_connections fault armed during the drain may be
# left for the next new connection, which can be this one.
admin() { curl -fsS --retry 3 --retry-delay 0 --retry-all-errors -X "$1" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$URL$2"; }

# Every event the desk holds must be at the endpoint exactly once: seq 1..N,
# each once, N = the desk's event count (from `audit verify`).
check_delivered() {
  local n
  n=$(ctl audit verify --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["events"])')
  admin GET "/admin/desks/$DESK_ID/events" > "$W/delivered.json"
  "$PY" - "$W/delivered.json" "$n" <<'EOF' || fail "delivery was not exactly once (see above)"
import json, sys
events = json.load(open(sys.argv[1])); n = int(sys.argv[2])
seqs = [e["seq"] for e in events]
ids = [e["event_id"] for e in events]
problems = []
if len(seqs) != len(set(seqs)): problems.append("a seq arrived twice")
if len(ids) != len(set(ids)): problems.append("an event_id arrived twice")
if sorted(seqs) != list(range(1, n + 1)): problems.append(f"endpoint holds {len(seqs)} events, desk has {n}")
for p in problems: print("soak:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  echo "delivered exactly once: $n events"
}

# ---------------------------------------------------------------- 1. crash
say "1. kill -9 during mixed writes and sync: $CYCLES cycles"
start_endpoint ""
: > "$W/acked_open"; : > "$W/acked_released"; : > "$W/open_ids"
killed=0 acked=0 refused=0
launch() { # $1: slot; starts one random operation in the background
  local slot=$1 r=$((RANDOM % 10)) id=""
  [ -s "$W/open_ids" ] && id=$(shuf -n 1 "$W/open_ids")
  if [ $r -lt 5 ] || [ -z "$id" ]; then
    KIND[$slot]=open
    ctl hold open --family-name "Soak" --given-names "Cycle $c $slot" --dob 1980-01-0$((slot + 1)) \
      --booking-number "B-$c-$slot" --warrant-form I-200 --warrant-number "W-$c-$slot" --officer WSO-1 \
      --served-at "$(date -u -d '-30 minutes' +%Y-%m-%dT%H:%M:%SZ)" --criminal-release-at "$(date -u -d '-30 minutes' +%Y-%m-%dT%H:%M:%SZ)" \
      --criminal-release-basis bond --ice-supervisor "SDDO Soak" --zone booking --json > "$W/out.$slot" 2>/dev/null &
  elif [ $r -lt 7 ]; then
    KIND[$slot]=move
    ctl hold move "$id" --zone housing-a --at "$(now)" > /dev/null 2>&1 &
  elif [ $r -lt 9 ]; then
    KIND[$slot]=release; TARGET[$slot]=$id
    ctl hold release "$id" --at "$(now)" --reason court_order > /dev/null 2>&1 &
  else
    KIND[$slot]=sync
    ctl sync --endpoint "$URL" --token-file "$W/token" --until-empty --max-wait 5 > /dev/null 2>&1 &
  fi
  PID[$slot]=$!
}
for c in $(seq "$CYCLES"); do
  KIND=() PID=() TARGET=()
  for slot in 0 1 2; do launch $slot; done
  # Each process is a kill candidate with probability 2/3, after a random
  # 0-100 ms: a wsoctl call takes 20-200 ms here depending on load, so both
  # ends of the mix stay common (killed mid-write, and acknowledged).
  sleep "0.$(printf '%03d' $((RANDOM % 100)))"
  for slot in 0 1 2; do
    if [ $((RANDOM % 3)) -ne 0 ]; then
      kill -9 "${PID[$slot]}" 2>/dev/null || true   # a zombie that already exited keeps its status
    fi
  done
  for slot in 0 1 2; do
    rc=0; wait "${PID[$slot]}" || rc=$?
    if [ $rc -eq 0 ]; then
      acked=$((acked + 1))
      case "${KIND[$slot]}" in
        open) hold_id_of < "$W/out.$slot" >> "$W/acked_open" ;;
        release) echo "${TARGET[$slot]}" >> "$W/acked_released" ;;
      esac
    elif [ $rc -eq 137 ]; then killed=$((killed + 1))
    else refused=$((refused + 1)); fi   # e.g. a move and a release raced for one hold
  done
  ctl audit verify > /dev/null 2> "$W/verify.err" || fail "cycle $c: audit verify: $(cat "$W/verify.err")"
  ctl hold list --all --json > "$W/list.json" || fail "cycle $c: hold list failed"
  "$PY" - "$W" "$c" <<'EOF' 2>&3 || fail "cycle $c: an acknowledged change was lost"
import json, sys
w, c = sys.argv[1], sys.argv[2]
holds = {h["hold_id"]: h for h in json.load(open(f"{w}/list.json"))}
lines = lambda f: [l.strip() for l in open(f"{w}/{f}") if l.strip()]
lost = [h for h in lines("acked_open") if h not in holds]
reopened = [h for h in lines("acked_released") if holds.get(h, {}).get("status") == "open"]
for h in lost: print(f"soak: cycle {c}: hold {h} was acknowledged but is gone", file=sys.stderr)
for h in reopened: print(f"soak: cycle {c}: hold {h} release was acknowledged but it is open", file=sys.stderr)
open(f"{w}/open_ids", "w").write("".join(h + "\n" for h, v in holds.items() if v["status"] == "open"))
sys.exit(1 if lost or reopened else 0)
EOF
  if [ $((c % 50)) -eq 0 ]; then echo "cycle $c: $acked acknowledged, $killed killed, $refused refused"; fi
done 2>/dev/null   # bash would print "Killed" for every job it reaps
echo "$CYCLES cycles: $acked operations acknowledged, $killed killed mid-flight, $refused refused;" \
  "$(wc -l < "$W/acked_open") acknowledged holds all present, chains intact after every cycle"
ctl sync --endpoint "$URL" --token-file "$W/token" --until-empty --max-wait 60 > /dev/null || fail "the final clean sync failed"
check_delivered
stop_endpoint

# ---------------------------------------------------------------- 2. clock
say "2. wall clock stepped +2 h and -2 h"
served=$(date -u -d '-10 hours' +%Y-%m-%dT%H:%M:%SZ)
hold=$(ctl hold open --family-name Clock --given-names Jump --dob 1970-05-05 --booking-number B-CLOCK \
  --warrant-form I-205 --warrant-number W-CLOCK --officer WSO-1 --served-at "$served" --criminal-release-at "$served" \
      --criminal-release-basis bond --ice-supervisor "SDDO Soak" --zone booking --json | hold_id_of)
t0=$(date -u +%s)
at() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# A frozen fake clock (absolute FAKETIME) makes "now" identical in all three reads.
for step in 0 7200 -7200; do
  TZ=UTC WSO_PASSWORD_FILE="$W/dep.pw" faketime -f "$(at $((t0 + step)))" "$WSOCTL" hold list --json > "$W/clock.$step.json"
done
"$PY" - "$W" "$hold" <<'EOF' || fail "a clock step changed a deadline"
import json, sys
w, hold = sys.argv[1], sys.argv[2]
view = {s: next(h for h in json.load(open(f"{w}/clock.{s}.json")) if h["hold_id"] == hold) for s in (0, 7200, -7200)}
base = view[0]
ok = True
for step in (7200, -7200):
    v = view[step]
    if v["deadline_at"] != base["deadline_at"]:
        print(f"soak: step {step:+} s moved deadline_at {base['deadline_at']} -> {v['deadline_at']}", file=sys.stderr); ok = False
    if base["remaining_seconds"] - v["remaining_seconds"] != step:
        print(f"soak: step {step:+} s changed remaining_seconds by {base['remaining_seconds'] - v['remaining_seconds']}", file=sys.stderr); ok = False
print(f"deadline_at {base['deadline_at']} unchanged; remaining_seconds {view[-7200]['remaining_seconds']} / "
      f"{base['remaining_seconds']} / {view[7200]['remaining_seconds']} at -2 h / 0 / +2 h")
sys.exit(0 if ok else 1)
EOF

# ---------------------------------------------------------------- 3. offline
say "3. offline with the clock 72 h behind: $OFFLINE events, then the endpoint back with ~20% faults"
before=$(ctl audit verify --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["events"])')
# Book and release (two events per hold) under a clock 72 h behind.
for i in $(seq $((OFFLINE / 2))); do
  s=$(date -u -d '-72 hours -20 minutes' +%Y-%m-%dT%H:%M:%SZ)
  r=$(date -u -d '-72 hours -10 minutes' +%Y-%m-%dT%H:%M:%SZ)
  id=$(WSO_PASSWORD_FILE="$W/dep.pw" faketime -f -72h "$WSOCTL" hold open --family-name Offline --given-names "N $i" --dob 1990-02-02 \
    --booking-number "B-OFF-$i" --warrant-form I-200 --warrant-number "W-OFF-$i" --officer WSO-1 \
    --served-at "$s" --criminal-release-at "$s" \
      --criminal-release-basis bond --ice-supervisor "SDDO Soak" --zone medical --json | hold_id_of)
  WSO_PASSWORD_FILE="$W/dep.pw" faketime -f -72h "$WSOCTL" hold release "$id" --at "$r" --reason deadline_reached > /dev/null
done
rc=0; ctl sync --endpoint http://127.0.0.1:9 --token-file "$W/token" --max-wait 1 > /dev/null 2>&1 || rc=$?
[ $rc -eq 5 ] || fail "a sync with the endpoint down exited $rc, expected 5 (events kept)"
after=$(ctl audit verify --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["events"])')
echo "$((after - before)) events queued offline; sync with the endpoint down exited 5 and kept them"
# Small batches so the drain takes many requests for the faults to land on.
start_endpoint "--max-batch 20"
# Whenever no push fault is pending, arm one with probability 1/5: about one
# push in five meets a fault (busy 503, stored then 502 = a lost acknowledgement,
# or a reset of the next new connection).
faults=('{"busy":1,"retry_after":"0"}' '{"fail_after_store":1}' '{"reset_connections":1}')
armed=0
ctl sync --endpoint "$URL" --token-file "$W/token" --until-empty --max-wait 300 --json > "$W/offline-sync.json" 2> "$W/offline-sync.err" &
sync_pid=$!
while kill -0 $sync_pid 2>/dev/null; do
  if ! admin GET /admin/faults 2>/dev/null | grep -Eq '"(busy|fail_after_store)": *[1-9]' && [ $((RANDOM % 5)) -eq 0 ]; then
    admin POST /admin/faults "${faults[$((RANDOM % 3))]}" > /dev/null && armed=$((armed + 1))
  fi
done
rc=0; wait $sync_pid || rc=$?
[ $rc -eq 0 ] || fail "the drain after the outage exited $rc: $(cat "$W/offline-sync.err")"
pushes=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["report"]["batches_sent"])' "$W/offline-sync.json")
echo "$armed faults armed over $pushes push requests during the drain"
admin POST /admin/faults '{}' > /dev/null   # disarm what the drain did not meet
check_delivered
stop_endpoint

say "soak passed"
