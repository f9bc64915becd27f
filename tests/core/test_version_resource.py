"""The Windows version resource written for PyInstaller (packaging/version_info.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import auditdesk

ROOT = Path(__file__).resolve().parents[2]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "auditdesk_version_info", ROOT / "packaging" / "version_info.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _Node:
    """Stands for each of PyInstaller's versioninfo classes: records its arguments."""

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs


def _evaluate(text: str) -> _Node:
    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct"]  # fmt: skip
    env = {n: (lambda *a, _n=n, **k: _Node(_n, *a, **k)) for n in names}
    result = eval(text, {"__builtins__": {}}, env)
    assert isinstance(result, _Node)
    return result


def test_resource_carries_the_package_version_and_names() -> None:
    text = _module().version_resource(auditdesk.__version__, "AuditDesk.exe", "用工体检台")
    info = _evaluate(text)
    assert info.kind == "VSVersionInfo"
    numbers = _module().version_tuple(auditdesk.__version__)
    assert info.kwargs["ffi"].kwargs["filevers"] == numbers
    assert info.kwargs["ffi"].kwargs["prodvers"] == numbers
    table = info.kwargs["kids"][0].args[0][0]
    assert table.args[0] == "080404b0"
    strings = {s.args[0]: s.args[1] for s in table.args[1]}
    assert strings["ProductName"] == "AuditDesk 用工体检台"
    assert strings["FileDescription"] == "用工体检台"
    assert strings["OriginalFilename"] == "AuditDesk.exe"
    assert strings["InternalName"] == "AuditDesk"
    assert strings["ProductVersion"] == auditdesk.__version__
    assert strings["FileVersion"] == ".".join(map(str, numbers))
    translation = info.kwargs["kids"][1].args[0][0]
    assert translation.args == ("Translation", [0x0804, 1200])


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2rc1", (1, 2, 0, 0)), ("2026.12.1.7.9", (2026, 12, 1, 7))],
)
def test_version_tuple(version: str, expected: tuple[int, ...]) -> None:
    assert _module().version_tuple(version) == expected


@pytest.mark.parametrize(
    ("version", "why"), [("dev", "does not start with a number"), ("1.70000", "above 65535")]
)
def test_version_tuple_refuses(version: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        _module().version_tuple(version)


def test_quotes_in_a_description_stay_text() -> None:
    info = _evaluate(_module().version_resource("0.1.0", "a.exe", '它\'s "引号"\n'))
    table = info.kwargs["kids"][0].args[0][0]
    assert {s.args[0]: s.args[1] for s in table.args[1]}["FileDescription"] == '它\'s "引号"\n'


def test_spec_embeds_the_resource_on_windows() -> None:
    spec = (ROOT / "packaging" / "auditdesk.spec").read_text(encoding="utf-8")
    assert "version_resource(" in spec
    assert spec.count("version=VERSION_FILES[") == 2
