"""`python -m auditdesk` runs the command line (no arguments: the GUI)."""

import sys

from auditdesk.cli import main

sys.exit(main())
