"""`python -m briefpress ARGS` == `briefpress ARGS`."""

import sys

from .cli import main

sys.exit(main())
