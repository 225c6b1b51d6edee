"""`python -m briefpress ARGS` == `briefpress ARGS`."""

from .cli import entry

entry()
