"""`python -m fitn7 ...`: the command line, as the `fitn7` script runs it."""

import sys

from fitn7.cli import main

sys.exit(main())
