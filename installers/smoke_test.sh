#!/usr/bin/env bash
# Smoke test of the PyInstaller bundle as a new user would meet it: a clean HOME, no Python and no
# Python packages on the path (env -i, PATH=/usr/bin:/bin), Qt offscreen. Run after
#   nice -n 10 uv run pyinstaller installers/chamber.spec --distpath build/dist --workpath build/work
# Usage: installers/smoke_test.sh [BUNDLE_DIR] (default build/dist/chamber). Prints one line per step
# (PASS/FAIL), the bundle's size and its start times; exits non-zero when a step failed.
# Needs curl, and /work/shared/data (PDFs, faces) or SHARED=... for the document and face steps.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=$(cd "${1:-$ROOT/build/dist/chamber}" && pwd)
BIN="$BUNDLE/chamber"
SHARED=${SHARED:-/work/shared/data}
WORK=$(mktemp -d /tmp/chamber-smoke.XXXXXX)
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
FAILED=0
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Like a fresh account: nothing from this shell's environment, in particular no PYTHONPATH or venv.
clean() { env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@"; }
# In the background: `env` execs the program, so $! is the program itself (a function run with &
# would be a subshell whose child survives `kill $!`).
clean_bg() { env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@" & SERVER_PID=$!; }
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; FAILED=1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

[ -x "$BIN" ] || { echo "no bundle at $BIN"; exit 2; }
echo "bundle: $BUNDLE"
echo "size: $(du -sh "$BUNDLE" | cut -f1) ($(find "$BUNDLE" -type f | wc -l) files)"

# 1. --help (cold start of the interpreter and argparse)
t0=$(now)
if clean "$BIN" --help >"$WORK/help.txt" 2>&1 && grep -q "paperless council meetings" "$WORK/help.txt"; then
    pass "--help in $(secs "$t0" "$(now)") s"
else
    fail "--help"; cat "$WORK/help.txt"
fi
t0=$(now)
clean "$BIN" --help >/dev/null 2>&1
echo "      (warm: $(secs "$t0" "$(now)") s)"

# 2. server --demo on a free port, then /api/v1/health over HTTPS
t0=$(now)
clean_bg "$BIN" --lang en server --demo --host 127.0.0.1 --port 0 --no-advertise --data "$WORK/server" >"$WORK/server.log" 2>&1
PORT=""
for _ in $(seq 1 600); do
    PORT=$(sed -n 's/.*listening on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -n "$PORT" ]; then
    started=$(secs "$t0" "$(now)")
    # The certificate is self-signed (clients pin it); compare the fingerprint it announces instead.
    HEALTH=$(curl -sk --max-time 10 "https://127.0.0.1:$PORT/api/v1/health")
    PRINTED=$(sed -n 's/^Certificate fingerprint: //p' "$WORK/server.log" | tr -d ': ' | tr 'A-F' 'a-f')
    SERVED=$(echo "$HEALTH" | sed -n 's/.*"fingerprint":"\([0-9a-fA-F:]*\)".*/\1/p' | tr -d ':' | tr 'A-F' 'a-f')
    if echo "$HEALTH" | grep -q '"status":"ok"' && [ -n "$SERVED" ] && [ "$PRINTED" = "$SERVED" ]; then
        pass "server --demo up in $started s (schema migrated, demo council seeded), health over HTTPS: $HEALTH"
    else
        fail "health: $HEALTH (printed fingerprint $PRINTED)"; cat "$WORK/server.log"
    fi
else
    fail "server did not start"; cat "$WORK/server.log"
fi
if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; fi

# 3. documents check on real PDFs (PyMuPDF, the vetting fork server and its children)
PDFS=$(ls "$SHARED"/pdfs/good/*.pdf 2>/dev/null | head -2)
if [ -n "$PDFS" ]; then
    # shellcheck disable=SC2086
    if clean "$BIN" documents check $PDFS >"$WORK/check.txt" 2>&1 && grep -q '"ok": 2' "$WORK/check.txt"; then
        pass "documents check: $(grep -c '^ok ' "$WORK/check.txt") ok, $(tail -1 "$WORK/check.txt")"
    else
        fail "documents check"; cat "$WORK/check.txt"
    fi
else
    echo "SKIP  documents check (no $SHARED/pdfs/good)"
fi

# 4. faces evaluate on four people (dlib models, OpenCV, numpy): enrolment + probes must recognise
if [ -d "$SHARED/faces" ]; then
    for person in angelina jack obama katy; do
        mkdir -p "$WORK/faces/$person"
        for photo in "$SHARED/faces/$person"/*; do ln -s "$photo" "$WORK/faces/$person/"; done
    done
    if clean "$BIN" --lang en faces evaluate "$WORK/faces" >"$WORK/faces.txt" 2>&1; then
        LAST=$(tail -1 "$WORK/faces.txt")
        # recognised: no false accept, and most genuine probes accepted
        if echo "$LAST" | grep -q '"far": 0.0' && awk -v l="$LAST" 'BEGIN { match(l, /"frr": [0-9.]+/); exit !(substr(l, RSTART + 7, RLENGTH - 7) + 0 < 0.5) }'; then
            pass "faces evaluate: $LAST"
        else
            fail "faces evaluate: $LAST"; cat "$WORK/faces.txt"
        fi
    else
        fail "faces evaluate"; cat "$WORK/faces.txt"
    fi
else
    echo "SKIP  faces evaluate (no $SHARED/faces)"
fi

# 5. the demo offscreen: launcher once its embedded server is up, then the delegate's window (ui/smoke.py)
SHOTS=${SMOKE_SHOTS:-$WORK/png}
t0=$(now)
if clean CHAMBER_SMOKE_PNG="$SHOTS" "$BIN" demo --data "$WORK/demo" >"$WORK/demo.txt" 2>&1 && grep -q '"smoke": "ok"' "$WORK/demo.txt" \
    && [ -s "$SHOTS/launcher.png" ] && [ -s "$SHOTS/delegate.png" ]; then
    LINE=$(grep '"smoke"' "$WORK/demo.txt")
    launcher=$(echo "$LINE" | sed -n 's/.*"server": \([0-9.]*\).*/\1/p')
    window=$(echo "$LINE" | sed -n 's/.*"window": \([0-9.]*\).*/\1/p')
    pass "demo offscreen: launcher with its server after $(secs "$t0" "$launcher") s, delegate logged in after $(secs "$t0" "$window") s (PNGs in $SHOTS)"
else
    fail "demo offscreen"; tail -30 "$WORK/demo.txt"
fi

[ "$FAILED" = 0 ] && echo "all steps passed" || echo "some steps FAILED"
exit "$FAILED"
