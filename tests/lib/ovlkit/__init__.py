# SPDX-License-Identifier: BSD-3-Clause
"""ovlkit: the Python helpers shared by tests/ and bench/.

  catalogue  the encapsulations, as the binary lists them (`ovlperf -- frames --list --json`)
  ovlperf    running ovlperf: its default EAL options, `frames` into a list of frames
  pcap       the one pcap reader (and writer)
  wire       a frame's layers and the probe, read from docs/wire-format.md and the catalogue
  tshark     tshark's path and the decode-as options the catalogue calls for
  tap        TAP output
  harness    a test suite's workspace: processes with bounded waits, cleanup on every exit
  provenance where a result came from and whether it may be cited: commit, load, settle

Scripts put this directory's parent on sys.path relative to their own location:
  tests/<dir>/x.py:  sys.path.insert(0, os.path.join(HERE, "..", "lib"))
  bench/x:           sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
"""
