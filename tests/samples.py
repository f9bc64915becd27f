"""Where the shared sample payroll files live inside the repository (see tests/data/samples)."""

from __future__ import annotations

from pathlib import Path

PAYROLL_SAMPLES = Path(__file__).resolve().parent / "data" / "samples" / "payroll"
