"""The Windows version resource of AuditDesk's executables (Explorer's 属性 > 详细信息 tab).

PyInstaller embeds it when ``EXE(version=...)`` names a text file in the form its
``pyi-grab_version`` writes: a Python expression building ``VSVersionInfo``, which PyInstaller
evaluates with its ``PyInstaller.utils.win32.versioninfo`` classes (Windows builds only; that module
needs ``pefile``, a dependency of PyInstaller on Windows). ``auditdesk.spec`` writes one file per
executable with :func:`version_resource` on Windows and passes none elsewhere.

Without it Explorer shows an empty 文件说明, no 产品名称 and version 0.0.0.0, and a user cannot tell
which release is installed without starting the program.
"""

from __future__ import annotations

import re

PRODUCT_NAME = "AuditDesk 用工体检台"
COMPANY_NAME = "AuditDesk"
COPYRIGHT = "© AuditDesk"

_NUMERIC_PREFIX = re.compile(r"\d+(?:\.\d+)*")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"0.1.0"`` → ``(0, 1, 0, 0)``: the four 16-bit numbers of a Windows file version, taken
    from the leading numeric part of a PEP 440 version (``"1.2rc1"`` → ``(1, 2, 0, 0)``).

    Raises ``ValueError`` when the version does not start with a number or a part exceeds
    65535 (a Windows version field is 16 bits)."""
    match = _NUMERIC_PREFIX.match(version.strip())
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    parts = [int(p) for p in match.group(0).split(".")][:4]
    if any(p > 0xFFFF for p in parts):
        raise ValueError(f"version {version!r} has a part above 65535")
    padded = [*parts, 0, 0, 0, 0][:4]
    return padded[0], padded[1], padded[2], padded[3]


def version_resource(version: str, exe_file: str, description: str) -> str:
    """The text PyInstaller's ``EXE(version=<file>)`` reads, for one executable.

    ``version`` is the package version (``auditdesk.__version__``), ``exe_file`` the executable's
    file name (``AuditDesk.exe``), ``description`` its 文件说明. Strings are written with
    :func:`repr`, so any character is safe; the file must be written as UTF-8 (PyInstaller decodes
    it as such). Raises ``ValueError`` as :func:`version_tuple`."""
    numbers = version_tuple(version)
    dotted = ".".join(map(str, numbers))
    strings = [
        ("CompanyName", COMPANY_NAME),
        ("FileDescription", description),
        ("FileVersion", dotted),
        ("InternalName", exe_file.removesuffix(".exe")),
        ("LegalCopyright", COPYRIGHT),
        ("OriginalFilename", exe_file),
        ("ProductName", PRODUCT_NAME),
        ("ProductVersion", version),
    ]
    string_structs = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings)
    # 0x0804 = Chinese (PRC), 1200 = the Unicode code page: the language Explorer matches first.
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080404b0',
        [
{string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""
