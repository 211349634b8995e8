#!/usr/bin/python3
"""Counts test cases across meson test logs: the TAP subtests of every test, or the test
itself when it printed no TAP. Prints 'N passed, N failed, N skipped' and exits 1 on any failure
(a test whose process failed counts as failed even if its TAP lines said ok)."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            name = f"{path.split('/')[0]}:{t['name']}"
            oks = nots = skips = 0
            for out in (t.get('stdout') or '').splitlines():
                if re.match(r'^ok \d+', out):
                    if re.search(r'#\s*SKIP', out, re.I):
                        skips += 1
                    else:
                        oks += 1
                elif re.match(r'^not ok \d+', out):
                    nots += 1
            result = t['result']
            if oks + nots + skips == 0:
                if result == 'SKIP':
                    skips = 1
                elif result in ('OK', 'EXPECTEDFAIL'):
                    oks = 1
                else:
                    nots = 1
            elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and nots == 0:
                nots = 1
            if nots:
                print(f"FAILED: {name} ({result})", file=sys.stderr)
            passed += oks
            failed += nots
            skipped += skips

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
