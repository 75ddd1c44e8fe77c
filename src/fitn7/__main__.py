"""`python -m fitn7` runs the command line."""

import sys

from fitn7.cli import main

sys.exit(main())
