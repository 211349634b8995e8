#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with clang, AddressSanitizer and UBSan, in
# a build directory of their own, and runs each for its share of SECONDS (default 240) from the
# seed corpus in tests/fuzz/corpus/<harness>/. Prints TAP: one test point per harness with its
# executions, exec/s and coverage (cov: and ft: of libFuzzer's final line). A crash, leak, UBSan
# report or failed invariant fails that point (its reproducer is kept, its report printed as
# "# " lines) and makes the exit status non-zero.
#
#   tests/fuzz/run.sh [SECONDS]
#   OVL_FUZZ_DIR=DIR       build and working directory (default: build-fuzz beside build/)
#   OVL_FUZZ_ONLY=NAME     run only this harness (parse, options or guards), for all SECONDS
#   OVL_FUZZ_JOBS=N        parallel compiles (default: the number of CPUs)
#   OVL_FUZZ_BUILD_ONLY=1  build, run nothing
#
# Reproduce a crash: build-fuzz/fuzz_NAME build-fuzz/artifacts/NAME-crash-...
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
total="${1:-240}"
out="${OVL_FUZZ_DIR:-$root/build-fuzz}"
jobs="${OVL_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
CC="${CC_FUZZ:-clang}"

# name and share of the time (percent), in the order they run
harnesses=(parse options guards)
declare -A share=([parse]=50 [options]=30 [guards]=20)
if [ -n "${OVL_FUZZ_ONLY:-}" ]; then
	harnesses=("$OVL_FUZZ_ONLY")
	share[$OVL_FUZZ_ONLY]=100
fi

echo "# fuzz: $CC, ${total} s across ${harnesses[*]}, build and corpora in $out"
if ! command -v "$CC" >/dev/null; then
	echo "1..0 # SKIP $CC not installed"
	exit 0
fi
if ! [[ "$total" =~ ^[0-9]+$ ]] || [ "$total" -lt 3 ]; then
	echo "Bail out! SECONDS must be a whole number of at least 3, not '$total'"
	exit 2
fi

mkdir -p "$out/obj" "$out/artifacts" "$out/logs" || exit 2

deps=(libdpdk libsodium jansson libpcap zlib)
if ! pkgflags="$(pkg-config --cflags "${deps[@]}")" || ! pkglibs="$(pkg-config --libs "${deps[@]}")"; then
	echo "Bail out! pkg-config cannot find ${deps[*]}"
	exit 2
fi
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-g -O1 -std=gnu11 -DALLOW_EXPERIMENTAL_API -Wno-address-of-packed-member $sanitize
	$(for d in "$root"/lib/*/ "$root"/app/*/; do printf -- '-I%s ' "$d"; done) -I$root/app $pkgflags"

# The library (and app/config/ for the options harness), instrumented for coverage. Objects are
# rebuilt when the source or any header of lib/ or app/ is newer, in parallel.
sources=("$root"/lib/*/*.c "$root"/app/config/*.c)
newest_header="$here/run.sh"
for h in "$root"/lib/*/*.h "$root"/app/*/*.h "$root"/app/*.h; do
	[ "$h" -nt "$newest_header" ] && newest_header="$h"
done
obj_of() {
	echo "$out/obj/$(basename "$(dirname "$1")")_$(basename "$1" .c).o"
}
# shellcheck disable=SC2317  # called through xargs
build_obj() {
	local src="$1" obj
	obj="$(obj_of "$src")"
	if [ -f "$obj" ] && [ "$obj" -nt "$src" ] && [ "$obj" -nt "$newest_header" ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	"$CC" $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj.tmp" 2>"$obj.log" &&
		mv "$obj.tmp" "$obj"
}
export -f build_obj obj_of
export out CC cflags newest_header
t0=$(date +%s)
# shellcheck disable=SC2016  # $1 is expanded by the inner shell
if ! printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} bash -c 'build_obj "$1"' _ {}; then
	echo "Bail out! compiling the library for fuzzing failed:"
	cat "$out"/obj/*.log | sed 's/^/# /' | head -40
	exit 2
fi
# Only the objects of today's sources: a removed or renamed source leaves no stale object in.
libobjs=()
for src in "$root"/lib/*/*.c; do
	libobjs+=("$(obj_of "$src")")
done
for h in "${harnesses[@]}"; do
	extra=()
	if [ "$h" = options ]; then
		for src in "$root"/app/config/*.c; do
			extra+=("$(obj_of "$src")")
		done
	fi
	# shellcheck disable=SC2086
	if ! "$CC" $cflags -fsanitize=fuzzer "$here/fuzz_$h.c" "${libobjs[@]}" "${extra[@]}" \
			$pkglibs -lrte_net_ring -lm -o "$out/fuzz_$h" 2>"$out/logs/build_$h.log"; then
		echo "Bail out! building fuzz_$h failed:"
		sed 's/^/# /' "$out/logs/build_$h.log" | head -40
		exit 2
	fi
done
echo "# built in $(( $(date +%s) - t0 )) s"
[ -n "${OVL_FUZZ_BUILD_ONLY:-}" ] && exit 0

# DPDK's own allocations are no concern here; the harnesses free what they allocate.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

artifacts_of() {
	local a n=0
	for a in "$out/artifacts/$1-"*; do
		[ -e "$a" ] && n=$((n + 1))
	done
	echo "$n"
}

status=0
n=0
for h in "${harnesses[@]}"; do
	n=$((n + 1))
	secs=$(( total * ${share[$h]} / 100 ))
	[ "$secs" -lt 1 ] && secs=1
	work="$out/corpus/$h"
	mkdir -p "$work"
	log="$out/logs/fuzz_$h.log"
	before=$(artifacts_of "$h")
	# The first corpus directory receives what the fuzzer finds; the committed seeds stay as
	# they are. -rss_limit_mb: a 9000-byte frame needs little; runaway allocation is a bug.
	"$out/fuzz_$h" "$work" "$here/corpus/$h" -max_total_time="$secs" -print_final_stats=1 \
		-max_len=9300 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/$h-" \
		>"$log" 2>&1
	rc=$?
	after=$(artifacts_of "$h")
	crashes=$((after - before))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	final=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$final")
	desc="fuzz_$h: ${secs} s, ${execs:-?} executions, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes $crashes"
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (libFuzzer exit status $rc)"
		grep -E 'ERROR|SUMMARY|runtime error|invariant failed|Test unit written|#[0-9]+ +in ' "$log" |
			head -30 | sed 's/^/# /'
		# the newest reproducers of this harness
		find "$out/artifacts" -maxdepth 1 -name "$h-*" -printf '%T@ %p\n' | sort -rn |
			head -3 | while read -r _ a; do
			echo "# reproducer: $a ($(stat -c %s "$a") bytes): $out/fuzz_$h $a"
			od -An -tx1 -v "$a" | head -8 | sed 's/^/#   /'
		done
		status=1
	fi
done
echo "1..$n"
exit $status
