"""What must hold on Windows as on Linux, checked where it can be checked here."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_shanghai_time_zone_resolves_without_a_system_zoneinfo() -> None:
    """Windows has no /usr/share/zoneinfo: Asia/Shanghai must come from the tzdata package."""
    code = textwrap.dedent(
        """
        import zoneinfo
        zoneinfo.reset_tzpath(to=[])  # as on Windows: no system time-zone database
        from auditdesk import formatting
        from auditdesk.services import followups
        assert formatting.LOCAL_TZ.key == "Asia/Shanghai"
        import datetime
        print(datetime.datetime(2026, 7, 1, tzinfo=formatting.LOCAL_TZ).utcoffset())
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8:00:00"
