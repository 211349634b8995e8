"""Tap, re-exported from tests/lib/ovlkit/tap.py for the kernel interop suites
(tests/interop/test_kernel.py, tests/interop/kernel/*), which import `tap` from here. New code
imports ovlkit.tap."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from ovlkit.tap import Tap  # noqa: E402,F401
