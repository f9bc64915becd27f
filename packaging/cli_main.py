"""The bundle's command-line executable (auditdesk; auditdesk-cli.exe on Windows)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # see gui_main.py: the spawned template renderer
    from auditdesk.cli import main

    sys.exit(main())
