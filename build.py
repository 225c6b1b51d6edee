"""`python build.py ARGS` == `briefpress ARGS` (no sub-command means build)."""

import sys

from briefpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
