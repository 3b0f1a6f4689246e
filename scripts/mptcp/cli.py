# SPDX-License-Identifier: GPL-2.0-only
"""What every command-line script of the module does at exit (standard
library only; importing it loads no native library)."""

import sys


def run_main(main, prog):
    """Runs main() and exits with its status. Output that cannot be written
    (a full disk, /dev/full) is lost, so it is an error with a message on
    stderr, never exit 0; argparse's own exits (--help, usage errors) keep
    their status."""
    status = 1
    try:
        try:
            status = main()
        except SystemExit as e:  # argparse: --help and usage errors
            status = e.code
        sys.stdout.flush()
    except OSError as e:
        print(f"{prog}: writing standard output failed: {e.strerror}", file=sys.stderr)
        status = status or 1
        try:
            sys.stdout.close()  # drops what cannot be written; no second error at exit
        except OSError:
            pass
    sys.exit(status)
