"""``python -m monitor plan|forecast|effect``: see monitor/cli.py."""

import sys

from monitor.cli import main

sys.exit(main())
