"""The bundle's GUI executable (AuditDesk / AuditDesk.exe, no console window on Windows)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A user's own report template renders in a spawned child process; in a frozen program the
    # child is this executable again, and freeze_support() turns it into the child instead of a
    # second window. It must run before anything else.
    multiprocessing.freeze_support()
    from auditdesk.gui.app import main

    sys.exit(main())
