"""``python -m kerasish``: the command line."""

import sys

from kerasish.cli import main

sys.exit(main())
