#!/usr/bin/env bash
# Sets everything up (as root), builds, runs every suite (the normal build and the unit tests
# again under AddressSanitizer and UBSan), prints per test what ran (tests/tap_count.py) and ends
# with one line: N passed, N failed, N skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

./setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Dtests=enabled -Dbuildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Db_lto=false >/dev/null || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
ninja -C build-asan >/dev/null || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

status=0
meson test -C build --print-errorlogs --num-processes 2 || status=1
# The unit and integration suites again under AddressSanitizer and UBSan. DPDK's own allocations
# at exit are not ours to chase: leaks of mbufs are checked by the soak bench.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --suite unit --suite integration --print-errorlogs --num-processes 2 || status=1

# Per test its distinct checks (TAP points), the ASan/UBSan rerun as its own block, every skip
# with its reason; the last line counts distinct checks, a rerun adding only its failures.
/usr/bin/python3 tests/tap_count.py build/meson-logs/testlog.json \
	--rerun ASan/UBSan build-asan/meson-logs/testlog.json
rc=$?
[ $status -ne 0 ] && [ $rc -eq 0 ] && rc=1
exit $rc
