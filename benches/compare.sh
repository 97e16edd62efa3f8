#!/usr/bin/env bash
# benches/compare.sh: end-to-end timings of logsift against the baselines
# and targets of issue 6, on a generated 1 GiB eks-log-collector bundle.
#
#   bash benches/compare.sh
#
# It builds logsift and the bench tools in release, generates the inputs
# once into a cache folder (reused on later runs), installs what it lacks
# (ripgrep, hyperfine, GNU time: apt-get, else cargo install), then times,
# in ROUNDS rounds that each run every command once (so a burst of load
# from elsewhere hits all commands of a round alike):
#
#   inflate-only     our own decompression of the bundle (outer stream and
#                    inner .gz members, with logsift's gzip reader and the
#                    library it takes: ISA-L, installed here), no search
#   search-floor     the same, and each piece's lines searched for the
#                    pack's literals with one needle search, as a kubelet
#                    log is: the least a scan of this design costs
#   *-zlib           the same and logsift -j2/-j1 with --inflate zlib
#   logsift -j2/-j1  the bundle, with the built-in pack
#   rg -z, zcat|grep the bundle, searching for every literal of the pack
#   directory        logsift -j2 and rg -z over the extracted bundle
#   tripled          logsift with the pack tripled by synthetic signatures
#   batch            20 smaller bundles, -j1 and -j2
#
# and peak RSS with /usr/bin/time -v. Each ratio is the median over the
# rounds of that round's ratio (benches/summarize.py). Results are printed
# and written, with the raw hyperfine JSON, to benches/runs/<date>-<machine>/.
#
# Environment:
#   LOGSIFT_BENCH_DIR   cache of generated inputs (default ~/.cache/logsift-bench)
#   ROUNDS              rounds of timings (default 5)
#   SCALE               generator scale of the big bundle (default 3000000, ~1 GiB)
#   BATCH_SCALE         scale of each of the 20 batch bundles (default 150000)
#   WITH_4G=1           also generate a ~4 GiB bundle (scale 4 x SCALE) and
#                       measure its peak RSS and time (adds a few minutes)
#   SCALING=0           skip the scaling curve (bundles of 64 MiB to 4 GiB,
#                       batches of 20 and 100; several minutes the first
#                       time, to generate them), which otherwise writes
#                       scaling.md and scaling.svg, and docs/performance-scaling.svg
#   MACHINE             name of the run folder's machine part (default: hostname)
#   NO_RECORD=1         do not write benches/runs/
#   BASELINE=FILE       also time FILE, a logsift binary built from an
#                       earlier commit, on the bundle (-j2, -j1) and the
#                       extracted folder, and check it finds the same:
#                       the ratios say whether a change moved speed

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LOGSIFT_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logsift-bench}
ROUNDS=${ROUNDS:-5}
SCALE=${SCALE:-3000000}
BATCH_SCALE=${BATCH_SCALE:-150000}
BATCH=20
MACHINE=${MACHINE:-$(hostname -s 2>/dev/null || echo machine)}
OUT="$ROOT/benches/runs/$(date -u +%Y-%m-%d)-$MACHINE"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say() { printf '\n== %s\n' "$*" >&2; }

# --- tools --------------------------------------------------------------

need() {
    # need COMMAND APT_PACKAGE [CARGO_CRATE]
    command -v "$1" >/dev/null 2>&1 && return 0
    say "installing $2"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    if command -v apt-get >/dev/null 2>&1 &&
        { $sudo apt-get install -y "$2" >/dev/null 2>&1 ||
            { $sudo apt-get update >/dev/null 2>&1 &&
                $sudo apt-get install -y "$2" >/dev/null 2>&1; }; }; then
        return 0
    fi
    if [ -n "${3:-}" ]; then
        cargo install --locked "$3" >/dev/null
        return 0
    fi
    echo "compare.sh: cannot install $2" >&2
    exit 1
}

need rg ripgrep ripgrep
# The speed issue's peers: ugrep reads tar archives and nested gzip
# itself; ISA-L's igzip only inflates the outer stream, the floor a
# zlib-class inflate sets.
need ugrep ugrep
need igzip isal
need hyperfine hyperfine hyperfine
need python3 python3
[ -x /usr/bin/time ] || need /usr/bin/time time

say "building logsift and the bench tools (release)"
(cd "$ROOT" && cargo build --release --quiet \
    -p logsift -p logsift-benches -p logsift-fixtures --bins)
BIN="$ROOT/target/release"
LOGSIFT="$BIN/logsift"

# --- inputs -------------------------------------------------------------

mkdir -p "$CACHE"
generate() {
    # generate SCALE SEED OUT
    if [ ! -s "$3" ]; then
        say "generating $3 (scale $1)"
        "$BIN/logsift-fixtures" bundle --scale "$1" --seed "$2" "$3.part"
        mv "$3.part" "$3"
    fi
}

BUNDLE="$CACHE/bundle-$SCALE.tar.gz"
generate "$SCALE" 1 "$BUNDLE"

EXTRACTED="$CACHE/extracted-$SCALE"
if [ ! -d "$EXTRACTED" ]; then
    say "extracting $BUNDLE"
    mkdir -p "$EXTRACTED.part"
    tar -xzf "$BUNDLE" -C "$EXTRACTED.part"
    mv "$EXTRACTED.part" "$EXTRACTED"
fi

BATCH_DIR="$CACHE/batch-$BATCH_SCALE"
mkdir -p "$BATCH_DIR"
for i in $(seq 1 $BATCH); do
    generate "$BATCH_SCALE" "$i" "$BATCH_DIR/bundle-$i.tar.gz"
done

# Every literal of the built-in pack, one per line, for rg and grep.
LITERALS="$WORK/literals.txt"
"$LOGSIFT" signatures list --format json | python3 -c '
import json, sys
lits = sorted({p for s in json.load(sys.stdin) for p in s["patterns"]})
sys.stdout.write("".join(l + "\n" for l in lits))' >"$LITERALS"

# The pack tripled: twice its number of synthetic signatures on top.
SIGS=$("$LOGSIFT" signatures list --format json |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
SYNTH="$WORK/synthetic.toml"
"$BIN/synth-pack" --count $((2 * SIGS)) "$SYNTH"

TEXT_BYTES=$("$BIN/inflate-only" "$BUNDLE" |
    sed -E 's/.* ([0-9]+) outer, ([0-9]+) in .*/\1 \2/' | awk '{print $1 + $2}')

# --- correctness first: the speed of a wrong answer is no use -----------

say "checking outputs"
"$LOGSIFT" scan --fail-on never --format json -j1 "$BUNDLE" >"$WORK/j1.json"
"$LOGSIFT" scan --fail-on never --format json -j2 "$BUNDLE" >"$WORK/j2.json"
cmp -s "$WORK/j1.json" "$WORK/j2.json" ||
    { echo "compare.sh: -j1 and -j2 reports differ" >&2; exit 1; }
# igzip's package brings ISA-L's shared library, which logsift loads.
"$LOGSIFT" --version | grep -q '^inflate: ISA-L' ||
    { echo "compare.sh: logsift did not load ISA-L" >&2; exit 1; }
"$LOGSIFT" scan --inflate zlib --fail-on never --format json -j2 "$BUNDLE" \
    >"$WORK/zlib.json"
cmp -s "$WORK/j1.json" "$WORK/zlib.json" ||
    { echo "compare.sh: ISA-L and zlib-rs reports differ" >&2; exit 1; }
"$LOGSIFT" scan --fail-on never --format json -j2 --signatures "$SYNTH" \
    "$BUNDLE" >"$WORK/tripled.json"
python3 - "$WORK/j1.json" "$WORK/tripled.json" <<'EOF'
import json, sys
def found(path):
    r = json.load(open(path))
    return sorted((f["signature"], f["path"], f["count"]) for f in r["findings"])
a, b = found(sys.argv[1]), found(sys.argv[2])
if a != b:
    sys.exit("compare.sh: the tripled pack changed the findings")
print(f"{len(a)} findings, the same with the tripled pack", file=sys.stderr)
EOF

if [ -n "${BASELINE:-}" ]; then
    # The same findings; the report around them may have grown fields.
    "$BASELINE" scan --fail-on never --format json -j2 "$BUNDLE" >"$WORK/base.json"
    python3 - "$WORK/j1.json" "$WORK/base.json" <<'EOF2'
import json, sys
ours, base = (json.load(open(p))["findings"] for p in sys.argv[1:3])
# Fields one build has and the other lacks (added since) are left out.
keys = set().union(*map(set, ours[:1])) & set().union(*map(set, base[:1]))
def found(findings):
    return sorted(
        json.dumps({k: v for k, v in f.items() if k in keys}, sort_keys=True)
        for f in findings
    )
if found(ours) != found(base):
    sys.exit("compare.sh: the baseline finds something else")
print("the baseline finds the same, field for field per finding", file=sys.stderr)
EOF2
fi

# --- timings --------------------------------------------------------------

BATCH_FILES=$(printf "$BATCH_DIR/bundle-%d.tar.gz " $(seq 1 $BATCH))
q() { printf '%q' "$1"; }
NAMES=(inflate-only logsift-j2 logsift-j1 rg-z zcat-grep
    dir-logsift-j2 dir-rg-z tripled-j2 tripled-j1 batch-j1 batch-j2
    igzip-dc ugrep-z inflate-only-zlib logsift-j2-zlib logsift-j1-zlib
    search-floor)
CMDS=(
    "$(q "$BIN/inflate-only") $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --fail-on never -j1 -o /dev/null $(q "$BUNDLE")"
    "rg -z -c -F -f $(q "$LITERALS") $(q "$BUNDLE")"
    "zcat $(q "$BUNDLE") | grep -F -c -f $(q "$LITERALS")"
    "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null $(q "$EXTRACTED")"
    "rg -z -c -F -f $(q "$LITERALS") $(q "$EXTRACTED")"
    "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null --signatures $(q "$SYNTH") $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --fail-on never -j1 -o /dev/null --signatures $(q "$SYNTH") $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --fail-on never -j1 -o /dev/null $BATCH_FILES"
    "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null $BATCH_FILES"
    "igzip -dc $(q "$BUNDLE") >/dev/null"
    "ugrep -z -c -F -f $(q "$LITERALS") $(q "$BUNDLE")"
    "$(q "$BIN/inflate-only") --inflate zlib $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --inflate zlib --fail-on never -j2 -o /dev/null $(q "$BUNDLE")"
    "$(q "$LOGSIFT") scan --inflate zlib --fail-on never -j1 -o /dev/null $(q "$BUNDLE")"
    "$(q "$BIN/search-floor") $(q "$BUNDLE")"
)
if [ -n "${BASELINE:-}" ]; then
    NAMES+=(baseline-j2 baseline-j1 dir-baseline-j2)
    CMDS+=(
        "$(q "$BASELINE") scan --fail-on never -j2 -o /dev/null $(q "$BUNDLE")"
        "$(q "$BASELINE") scan --fail-on never -j1 -o /dev/null $(q "$BUNDLE")"
        "$(q "$BASELINE") scan --fail-on never -j2 -o /dev/null $(q "$EXTRACTED")"
    )
fi
ARGS=()
for i in "${!NAMES[@]}"; do ARGS+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done

# Whatever else runs on the machine skews every number: keep a note of it.
busy() {
    # Cores kept busy by others: /proc/stat over two quiet seconds.
    local a b
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    sleep 2
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
    echo "$a $b" | awk -v n="$(nproc)" '{
        busy = $3 - $1; idle = $4 - $2
        printf "other load: %.2f of %d cores busy\n", n * busy / (busy + idle), n }'
    echo "busiest processes (%CPU over their lifetime, command):"
    ps -eo pcpu=,comm= --sort=-pcpu | head -4 | sed 's/^/    /'
}
busy >"$WORK/busy-start.txt"

mkdir -p "$WORK/rounds"
for r in $(seq 1 "$ROUNDS"); do
    say "round $r of $ROUNDS"
    # grep and rg exit 1 when they count nothing; that is not a failure.
    warm=0
    [ "$r" = 1 ] && warm=1
    hyperfine --style basic --runs 1 --warmup "$warm" --ignore-failure \
        --export-json "$WORK/rounds/round-$r.json" "${ARGS[@]}" >&2
done

# --- memory ----------------------------------------------------------------

peak_rss() {
    # peak_rss LABEL ARGS...: "LABEL <kB> <seconds>"
    local label=$1
    shift
    /usr/bin/time -v "$@" 2>"$WORK/time.txt" >/dev/null || true
    printf '%s %s %s\n' "$label" \
        "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")" \
        "$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")"
}

say "peak RSS"
{
    peak_rss "1GiB-j2" "$LOGSIFT" scan --fail-on never -j2 -o /dev/null "$BUNDLE"
    peak_rss "1GiB-j1" "$LOGSIFT" scan --fail-on never -j1 -o /dev/null "$BUNDLE"
    peak_rss "dir-j2" "$LOGSIFT" scan --fail-on never -j2 -o /dev/null "$EXTRACTED"
    if [ "${WITH_4G:-0}" = 1 ]; then
        BIG="$CACHE/bundle-$((4 * SCALE)).tar.gz"
        generate $((4 * SCALE)) 1 "$BIG"
        peak_rss "4GiB-j2" "$LOGSIFT" scan --fail-on never -j2 -o /dev/null "$BIG"
    fi
} >"$WORK/rss.txt"

# --- scaling curve --------------------------------------------------------

# How throughput follows the bundle's size and a batch's length: one
# bundle of 64 MiB, 256 MiB, 1 GiB and 4 GiB of logs (1 and 2 threads,
# and igzip -dc on the same file), and batches of 20 and 100 bundles.
# Each command runs ROUNDS times in a row (not interleaved as above);
# benches/scaling.py plots the curve into scaling.svg.
if [ "${SCALING:-1}" = 1 ]; then
    say "scaling curve"
    text_bytes() {
        "$BIN/inflate-only" "$@" |
            sed -E 's/.* ([0-9]+) outer, ([0-9]+) in .*/\1 \2/' |
            awk '{n += $1 + $2} END {printf "%.0f\n", n}'
    }
    : >"$WORK/sizes.txt"
    SARGS=()
    for spec in 64M:$((SCALE / 16)) 256M:$((SCALE / 4)) 1G:$SCALE 4G:$((4 * SCALE)); do
        name=${spec%%:*}
        file="$CACHE/bundle-${spec#*:}.tar.gz"
        generate "${spec#*:}" 1 "$file"
        echo "$name $(text_bytes "$file")" >>"$WORK/sizes.txt"
        SARGS+=(-n "$name-j1" "$(q "$LOGSIFT") scan --fail-on never -j1 -o /dev/null $(q "$file")")
        SARGS+=(-n "$name-j2" "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null $(q "$file")")
        SARGS+=(-n "$name-igzip" "igzip -dc $(q "$file") >/dev/null")
    done
    for i in $(seq $((BATCH + 1)) 100); do
        generate "$BATCH_SCALE" "$i" "$BATCH_DIR/bundle-$i.tar.gz"
    done
    for n in 20 100; do
        files=$(printf "$BATCH_DIR/bundle-%d.tar.gz " $(seq 1 $n))
        # shellcheck disable=SC2086
        echo "batch$n $(text_bytes $files)" >>"$WORK/sizes.txt"
        SARGS+=(-n "batch$n-j1" "$(q "$LOGSIFT") scan --fail-on never -j1 -o /dev/null $files")
        SARGS+=(-n "batch$n-j2" "$(q "$LOGSIFT") scan --fail-on never -j2 -o /dev/null $files")
    done
    hyperfine --style basic --runs "$ROUNDS" --warmup 1 \
        --export-json "$WORK/scaling.json" "${SARGS[@]}" >&2
    python3 -m venv "$WORK/plot"
    "$WORK/plot/bin/pip" install --quiet --disable-pip-version-check matplotlib
    "$WORK/plot/bin/python" "$ROOT/benches/scaling.py" "$WORK" >"$WORK/scaling.md"
fi

# --- report ----------------------------------------------------------------

describe() {
    echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
    echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "cores (nproc): $(nproc)"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
    echo "before the timings, $(cat "$WORK/busy-start.txt")"
    echo "after them, $(busy)"
    echo "kernel: $(uname -sr)"
    echo "rustc: $(rustc --version)"
    echo "logsift: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "ripgrep: $(rg --version | head -1)"
    echo "grep: $(grep --version | head -1)"
    echo "gzip (zcat, and rg -z's decompressor): $(gzip --version | head -1)"
    echo "ugrep: $(ugrep --version | head -1)"
    echo "igzip (ISA-L): $(igzip --version 2>&1 | head -1)"
    echo "hyperfine: $(hyperfine --version)"
    echo "bundle: $(basename "$BUNDLE"), $(stat -c %s "$BUNDLE") bytes, $TEXT_BYTES bytes of logs (outer stream and inner .gz members)"
    echo "batch: $BATCH bundles of scale $BATCH_SCALE, $(du -cb "$BATCH_DIR"/*.tar.gz | tail -1 | cut -f1) bytes"
    echo "literals of the built-in pack: $(wc -l <"$LITERALS") ($SIGS signatures); tripled pack: $((3 * SIGS)) signatures"
    echo "rounds: $ROUNDS"
    if [ -n "${BASELINE:-}" ]; then
        echo "baseline: $("$BASELINE" --version 2>/dev/null | head -1), sha256 $(sha256sum "$BASELINE" | cut -c1-12)"
    fi
}

describe >"$WORK/machine.txt"
python3 "$ROOT/benches/summarize.py" "$WORK" >"$WORK/summary.md"

cat "$WORK/summary.md"
[ -f "$WORK/scaling.md" ] && { echo; cat "$WORK/scaling.md"; }

if [ "${NO_RECORD:-0}" != 1 ]; then
    # A second run the same day gets a folder of its own.
    n=2
    base=$OUT
    while [ -e "$OUT" ]; do
        OUT="$base-$n"
        n=$((n + 1))
    done
    mkdir -p "$OUT"
    cp "$WORK/summary.md" "$WORK/machine.txt" "$WORK/rss.txt" "$OUT/"
    cp "$WORK"/rounds/round-*.json "$OUT/"
    if [ -f "$WORK/scaling.md" ]; then
        cp "$WORK/scaling.md" "$WORK/scaling.json" "$WORK/sizes.txt" \
            "$WORK/scaling.svg" "$OUT/"
        # README's performance section shows the latest curve.
        cp "$WORK/scaling.svg" "$ROOT/docs/performance-scaling.svg"
    fi
    {
        echo "# $(basename "$OUT")"
        echo
        echo "Raw output of \`bash benches/compare.sh\` (ROUNDS=$ROUNDS)."
        echo "\`summary.md\` is the table it printed; \`round-N.json\` are"
        echo "hyperfine's exports, one run of every command per round;"
        echo "\`rss.txt\` is the peak RSS in kB and the wall time from"
        echo "\`/usr/bin/time -v\`; \`machine.txt\` describes the machine."
        if [ -f "$WORK/scaling.md" ]; then
            echo "\`scaling.md\` and \`scaling.svg\` are the scaling curve"
            echo "(benches/scaling.py) from \`scaling.json\` and \`sizes.txt\`."
        fi
    } >"$OUT/README.md"
    say "recorded in ${OUT#"$ROOT"/}"
fi
