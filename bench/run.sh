#!/usr/bin/env bash
# bench/run.sh: how fast kbgen builds synthetic knowledge bases, beside Hugo and the I/O floor.
#
# usage: bench/run.sh [SIZE...]          default: 1000 10000 100000
#
# For each size it generates a KB with bench/synth.py (kept between runs), then times, in
# rounds that take every size in turn and at each size every tool, `kbgen build`, the I/O floor
# (bench/floor: read every input, write files of the same paths and sizes as kbgen's output,
# nothing else) and, at 10,000 entries, Hugo on the same content. Each timed run starts from
# the same state (see `settle`) and writes into a new folder, deleted right after the run on a
# tmpfs and at the end elsewhere (see BUILD_DIR).
# It prints wall time (median of the runs), entries per second, peak RSS and CPU time from
# /usr/bin/time -v, output size and file count, then the targets of docs/benchmarks.md.
#
# environment:
#   RUNS=N       timed runs per tool and size (default: 3)
#   HUGO=0       skip Hugo (default: run it at 10,000 entries if `hugo` is installed)
#   BENCH_DIR=D  where KBs, logs and results go (default: target/bench), and builds not on a tmpfs
#   BUILD_DIR=D  where the timed builds write (default: /dev/shm/kbgen-bench when /dev/shm is
#                a tmpfs with 8 GB free, else BENCH_DIR/out). On a tmpfs each build's output
#                is deleted (untimed) right after its run; elsewhere outputs are kept until the
#                end, since ext4 reuses freed inodes only minutes later and creates files
#                slowly until then.
#   KEEP=1       do not delete the logs and the outputs kept until the end (on a tmpfs each
#                output is deleted right after its run all the same)
#   BASE=FILE    another kbgen binary (an earlier commit's) to time beside this one, in the
#                same rounds, with its own row and the ratio kbgen/base (before/after figures)
#   SETTLE_MB=M  memory touched and let go of before every timed run (default: 4096; 0: none).
#                On a VM that hands freed memory back to its host (virtio-balloon free page
#                reporting, as on this project's machines) a page touched for the first time
#                in a while costs far more than one freed a moment ago, so a tool run right
#                after another that let go of much memory is faster. Touching the same amount
#                before every run starts each tool from the same state: freed memory ready to
#                reuse, as on a machine without that reporting. See docs/benchmarks.md.
#                At most half the memory available is touched.
set -euo pipefail
# BASE is a path from where the script was started.
base=${BASE:+$(realpath -- "$BASE" 2>/dev/null || echo "$BASE")}
# So is BUILD_DIR.
build_dir=${BUILD_DIR:+$(realpath -m -- "$BUILD_DIR")}
cd "$(dirname "$0")/.."
repo=$(pwd)

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
    sizes=(1000 10000 100000)
fi
for n in "${sizes[@]}"; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
        echo "bench/run.sh: sizes are entry counts like 1000; got '$n'" >&2
        exit 2
    fi
done
if [ -n "${RUNS:-}" ] && ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "bench/run.sh: RUNS must be a positive number; got '$RUNS'" >&2
    exit 2
fi
bench=${BENCH_DIR:-$repo/target/bench}
hugo_size=10000

if ! /usr/bin/time -v true 2>/dev/null; then
    echo "bench/run.sh: needs GNU time at /usr/bin/time (apt-get install -y time)" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "bench/run.sh: needs python3" >&2; exit 2; }
settle_mb=${SETTLE_MB:-4096}
if ! [[ $settle_mb =~ ^[0-9]+$ ]]; then
    echo "bench/run.sh: SETTLE_MB must be a number of MB; got '$settle_mb'" >&2
    exit 2
fi
avail_mb=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
if [ "$settle_mb" -gt $((avail_mb / 2)) ]; then
    echo "note: SETTLE_MB=$settle_mb is more than half the memory available; touching $((avail_mb / 2)) MB" >&2
    settle_mb=$((avail_mb / 2))
fi
if [ -n "$base" ]; then
    if [ ! -x "$base" ] || [ -d "$base" ]; then
        echo "bench/run.sh: BASE must be an executable kbgen binary; got '${BASE}'" >&2
        exit 2
    fi
fi
use_hugo=1
if [ "${HUGO:-1}" = 0 ]; then
    use_hugo=0
elif ! command -v hugo >/dev/null; then
    echo "note: hugo is not installed (apt-get install -y hugo); skipping the comparison" >&2
    use_hugo=0
elif [[ " ${sizes[*]} " != *" $hugo_size "* ]]; then
    use_hugo=0
fi

echo "== building kbgen and the floor (release)" >&2
cargo build --release --quiet --bin kbgen
cargo build --release --quiet --manifest-path bench/floor/Cargo.toml --target-dir "$repo/target"
kbgen=$repo/target/release/kbgen
floor=$repo/target/release/kbgen-bench-floor

mkdir -p "$bench"
outs=$bench/out
results=$bench/results.txt
if [ -n "$build_dir" ]; then
    builds=$build_dir
elif [ "$(df --output=fstype /dev/shm 2>/dev/null | tail -1)" = tmpfs ] \
    && [ "$(df --output=avail -k /dev/shm | tail -1)" -gt $((8 << 20)) ]; then
    builds=/dev/shm/kbgen-bench
else
    builds=$outs
fi

# remove_outputs DIR: deletes the build outputs this script writes in DIR (nothing else), and
# notes the time when that freed inodes on a file system other than tmpfs (see below).
remove_outputs() {
    local dir=$1 any=0 d
    [ -d "$dir" ] || return 0
    for d in "$dir"/kbgen-* "$dir"/base-* "$dir"/floor-* "$dir"/hugo-*; do
        if [ -d "$d" ]; then
            any=1
            rm -rf "$d"
        fi
    done
    if [ "$any" = 1 ] && [ "$(df --output=fstype "$dir" | tail -1)" != tmpfs ]; then
        date +%s >"$bench/.last-cleanup"
    fi
}

if [ -d "$outs" ]; then
    echo "== removing the outputs of an earlier run" >&2
    remove_outputs "$outs"
    rm -rf "$outs"
fi
mkdir -p "$outs" "$builds"
remove_outputs "$builds"
transient=0
[ "$(df --output=fstype "$builds" | tail -1)" != tmpfs ] || transient=1
# A run that stops early leaves no output in memory.
[ "$transient" = 0 ] || trap 'remove_outputs "$builds"' EXIT
if [ "$transient" = 0 ] && [ -f "$bench/.last-cleanup" ]; then
    ago=$(($(date +%s) - $(cat "$bench/.last-cleanup")))
    if [ "$ago" -lt 360 ]; then
        echo "warning: bench outputs were deleted ${ago} s ago. ext4 without a journal does not reuse" \
            "recently freed inodes for 1-6 minutes, which slows file creation; figures may be high." >&2
    fi
fi

# The machine, for docs/benchmarks.md.
{
    echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
    echo "cpu:     $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel:  $(uname -r); inputs on $(df --output=fstype "$bench" | tail -1), builds write to $(df --output=fstype "$builds" | tail -1) ($builds)"
    echo "rustc:   $(rustc --version)"
    if [ "$use_hugo" = 1 ]; then echo "hugo:    $(hugo version)"; fi
    if [ -n "$base" ]; then echo "base:    $base ($("$base" --version))"; fi
    echo "settle:  before each timed run: sync, inputs read, ${settle_mb} MB touched and freed"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at start"
} | tee "$results"

# gen DIALECT N DIR: a synthetic KB, regenerated only when synth.py or N changed.
gen() {
    local dialect=$1 n=$2 dir=$3 stamp
    stamp="$(sha256sum bench/synth.py | cut -d' ' -f1) $dialect $n"
    if [ -f "$dir/.synth-stamp" ] && [ "$(cat "$dir/.synth-stamp")" = "$stamp" ]; then
        return
    fi
    echo "== generating $n entries ($dialect) in $dir" >&2
    rm -rf "$dir"
    python3 bench/synth.py "$n" "$dir" --dialect "$dialect"
    echo "$stamp" >"$dir/.synth-stamp"
}

# settle: starts the next timed run from the same state as every other. Earlier outputs are
# written back, the inputs of `warm_dirs` are in the page cache, and SETTLE_MB of memory has
# just been touched (a byte a page) by a process that exited at once, so the run finds that
# much freed memory that the host has not taken back.
warm_dirs=()
settle() {
    sync
    for d in "${warm_dirs[@]}"; do
        find "$d" -type f -exec cat {} + >/dev/null
    done
    [ "$settle_mb" = 0 ] || python3 -c '
import sys
n = int(sys.argv[1]) << 20
b = bytearray(n)
b[::4096] = b"\1" * len(range(0, n, 4096))
' "$settle_mb"
}

# done_with DIR: a timed build's output, once measured; deleted at once on a tmpfs.
done_with() {
    [ "$transient" = 0 ] || rm -rf "$1"
}

# timed TOOL N RUN CMD...: runs CMD under /usr/bin/time -v; appends "TOOL N RUN wall rss_kb cpu_s".
timed() {
    local tool=$1 n=$2 run=$3 log
    shift 3
    log=$outs/$tool-$n-$run.time
    settle
    if ! /usr/bin/time -v -o "$log" "$@" >"$outs/$tool-$n-$run.log" 2>&1; then
        echo "bench/run.sh: $tool failed at $n entries; see $outs/$tool-$n-$run.log" >&2
        cat "$outs/$tool-$n-$run.log" >&2
        exit 1
    fi
    awk -v tool="$tool" -v n="$n" -v run="$run" '
        /Elapsed \(wall clock\)/ {
            k = split($NF, t, ":"); wall = 0
            for (i = 1; i <= k; i++) wall = wall * 60 + t[i]
        }
        /Maximum resident set size/ { rss = $NF }
        /User time/ { cpu += $NF }
        /System time/ { cpu += $NF }
        END { printf "%s %s %s %.2f %d %.2f\n", tool, n, run, wall, rss, cpu }
    ' "$log" >>"$bench/runs.txt"
}

# size TOOL N DIR: "bytes files" of an output folder.
size_of() {
    echo "$1 $2 $(du -sb "$3" | cut -f1) $(find "$3" -type f | wc -l)" >>"$bench/sizes.txt"
}

# measure TOOL N RUN OUT CMD...: a timed run of CMD, which writes OUT. The first run's output is
# measured (and kbgen's listed: the floor's manifest) before it goes.
measure() {
    local tool=$1 n=$2 run=$3 out=$4
    shift 4
    timed "$tool" "$n" "$run" "$@"
    if [ "$run" = 1 ]; then
        size_of "$tool" "$n" "$out"
        if [ "$tool" = kbgen ]; then
            (cd "$out" && find . -type f -printf '%s\t%P\n' | LC_ALL=C sort -t "$(printf '\t')" -k2) >"$outs/manifest-$n.tsv"
        fi
    fi
    done_with "$out"
}

: >"$bench/runs.txt"
: >"$bench/sizes.txt"
runs=${RUNS:-3}
for n in "${sizes[@]}"; do
    gen kbgen "$n" "$bench/kb-$n"
    if [ "$use_hugo" = 1 ] && [ "$n" = "$hugo_size" ]; then
        gen hugo "$n" "$bench/hugo-$n"
    fi
done
# Rounds over the sizes, as over the tools: each round times every size, so the sizes' runs
# (and the 100,000 / 10,000 ratio) come from the same stretch of the machine's state.
for run in $(seq 1 "$runs"); do
    echo "== round $run of $runs: ${sizes[*]} entries; kbgen$([ -n "$base" ] && echo ", base"), floor$([ "$use_hugo" = 1 ] && echo ", hugo at $hugo_size")" >&2
    for n in "${sizes[@]}"; do
        kb=$bench/kb-$n
        hugo_here=0
        if [ "$use_hugo" = 1 ] && [ "$n" = "$hugo_size" ]; then
            hugo_here=1
        fi
        # Every tool reads its inputs from the page cache (see `settle`).
        warm_dirs=("$kb")
        [ "$hugo_here" = 0 ] || warm_dirs+=("$bench/hugo-$n")
        out=$builds/kbgen-$n-$run
        measure kbgen "$n" "$run" "$out" env KBGEN_TIMINGS=1 "$kbgen" build --root "$kb" --output "$out"
        if [ -n "$base" ]; then
            out=$builds/base-$n-$run
            measure base "$n" "$run" "$out" "$base" build --root "$kb" --output "$out"
        fi
        out=$builds/floor-$n-$run
        measure floor "$n" "$run" "$out" "$floor" "$kb" "$outs/manifest-$n.tsv" "$out"
        if [ "$hugo_here" = 1 ]; then
            out=$builds/hugo-$n-$run
            measure hugo "$n" "$run" "$out" hugo --quiet --source "$bench/hugo-$n" --destination "$out"
        fi
    done
done

# The table: medians over the runs.
python3 - "$bench/runs.txt" "$bench/sizes.txt" "$outs" <<'EOF' | tee -a "$results"
import statistics, sys
runs, sizes = {}, {}
for line in open(sys.argv[1]):
    tool, n, _run, wall, rss, cpu = line.split()
    runs.setdefault((tool, int(n)), []).append((float(wall), int(rss), float(cpu)))
for line in open(sys.argv[2]):
    tool, n, size, files = line.split()
    sizes[(tool, int(n))] = (int(size), int(files))
med = {k: (statistics.median(w for w, _, _ in v), max(r for _, r, _ in v), statistics.median(c for _, _, c in v))
       for k, v in runs.items()}
print()
print(f"{'entries':>8} {'tool':<6} {'wall s':>7} {'entries/s':>10} {'peak RSS MB':>12} {'CPU s':>6} "
      f"{'output MB':>10} {'files':>8}   runs (wall s)")
for (tool, n), (wall, rss, cpu) in sorted(med.items(), key=lambda kv: (kv[0][1], ["kbgen", "base", "floor", "hugo"].index(kv[0][0]))):
    size, files = sizes.get((tool, n), (0, 0))
    each = " ".join(f"{w:.2f}" for w, _, _ in runs[(tool, n)])
    print(f"{n:>8} {tool:<6} {wall:>7.2f} {n / wall if wall else 0:>10,.0f} {rss / 1024:>12.0f} {cpu:>6.2f} "
          f"{size / 1e6:>10.1f} {files:>8}   {each}")
print()
def check(label, value, limit, unit=""):
    if value is None:
        print(f"  {label}: not measured")
    else:
        print(f"  {label}: {value:.2f}{unit} (target <= {limit}{unit}) {'ok' if value <= limit else 'MISSED'}")
k = lambda n: med.get(("kbgen", n))
print("targets:")
ratio = k(10000)[0] / med[("hugo", 10000)][0] if k(10000) and ("hugo", 10000) in med else None
check("kbgen/Hugo wall time at 10,000 entries", ratio, 0.1)
check("kbgen peak RSS at 10,000 entries", k(10000)[1] / 1024 if k(10000) else None, 300, " MB")
check("kbgen peak RSS at 100,000 entries", k(100000)[1] / 1024 if k(100000) else None, 1024, " MB")
check("kbgen 100,000 / 10,000 wall time", k(100000)[0] / k(10000)[0] if k(100000) and k(10000) else None, 11)
floor = med.get(("floor", 10000))
check("kbgen/floor wall time at 10,000 entries", k(10000)[0] / floor[0] if k(10000) and floor else None, 2)
for (tool, n), (wall, rss, cpu) in sorted(med.items(), key=lambda kv: kv[0][1]):
    if tool == "base" and k(n):
        print(f"  kbgen/base at {n:,} entries: wall time {k(n)[0] / wall:.2f}, CPU time "
              f"{k(n)[2] / cpu:.2f}, peak RSS {k(n)[1] / rss:.2f} (no target)")
print()
print("kbgen phases (KBGEN_TIMINGS) of its median run; the search index runs beside the pages:")
for (tool, n), v in sorted(runs.items(), key=lambda kv: kv[0][1]):
    if tool != "kbgen":
        continue
    order = sorted(range(len(v)), key=lambda i: v[i][0])
    run = order[(len(order) - 1) // 2] + 1
    phases = [l.strip()[len("timing: "):] for l in open(f"{sys.argv[3]}/kbgen-{n}-{run}.log") if l.startswith("timing: ")]
    print(f"{n:>8}: " + "; ".join(phases))
EOF
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end" | tee -a "$results"
echo "(results also in $results)" >&2

if [ "${KEEP:-0}" != 1 ]; then
    echo "== removing outputs (not timed)" >&2
    remove_outputs "$builds"
    remove_outputs "$outs"
    rm -rf "$outs"
    # The default build folder is the script's own; one given in BUILD_DIR stays.
    [ -n "$build_dir" ] || [ "$builds" = "$outs" ] || rmdir "$builds" 2>/dev/null || true
fi
