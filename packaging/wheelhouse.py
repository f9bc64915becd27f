"""Download every wheel AuditDesk needs, for Linux and Windows x86-64 and Python 3.11-3.13.

    python3 dev.py wheelhouse          # runs this with .venv's Python, into ./wheelhouse/

``pip download --platform`` picks wheels for another platform but evaluates environment markers
(``sys_platform == "win32"``, ``python_version < "3.12"``) against the running interpreter, so a
plain ``pip download -r`` on Linux would miss pywin32, colorama, tzdata and their kind. This script
resolves per target instead: it downloads the requirements without their dependencies, reads each
wheel's ``Requires-Dist`` with the target's markers and extras, and repeats until nothing new turns
up. Every round passes all requirements found so far, so pip picks versions that satisfy them
together. Needs ``packaging`` (installed with the dev tools).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYTHONS = ("3.11", "3.12", "3.13")
MANYLINUX = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(39, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)
"""glibc 2.39 and older (PySide6 6.10+ ships manylinux_2_34+ wheels only; with 2.28 the
resolver fell back to 6.9, older than the code needs); pip takes each --platform tag literally, so
every older tag and its legacy alias (manylinux2014 = 2.17) is listed."""


@dataclass(frozen=True)
class Target:
    name: str
    python: str
    platforms: tuple[str, ...]
    env: dict[str, str]


def targets() -> list[Target]:
    found = []
    for python in PYTHONS:
        base = {
            **default_environment(),
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }
        linux = {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "x86_64",
        }
        windows = {
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_machine": "AMD64",
        }
        found.append(Target(f"linux-{python}", python, MANYLINUX, base | linux))
        found.append(Target(f"windows-{python}", python, ("win_amd64",), base | windows))
    return found


def top_level(root: Path, extras: list[str]) -> list[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    # hatchling asks for editables when pip builds the editable install (pip install -e .)
    reqs = [*data["build-system"]["requires"], "editables>=0.3"]
    reqs += list(data["project"]["dependencies"])
    for extra in extras:
        reqs += data["project"]["optional-dependencies"][extra]
    return reqs


def _wanted(req: Requirement, env: dict[str, str], extras: set[str]) -> bool:
    if req.marker is None:
        return True
    if not extras:
        return req.marker.evaluate(env | {"extra": ""})
    return any(req.marker.evaluate(env | {"extra": extra}) for extra in extras)


def _metadata(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if re.match(r"[^/]+\.dist-info/METADATA$", n))
        meta = Parser().parsestr(zf.read(name).decode("utf-8"))
    return [Requirement(r) for r in meta.get_all("Requires-Dist") or []]


_SAVED = re.compile(r"(?:Saved|File was already downloaded) (.+\.whl)\s*$")


def resolve(target: Target, start: list[str], dest: Path) -> list[Path]:
    """Download the closure of ``start`` for ``target``; return its wheels."""
    specs: dict[str, set[str]] = {}  # name -> specifier strings
    extras: dict[str, set[str]] = {}
    pending = [Requirement(r) for r in start]
    wheels: dict[str, Path] = {}
    while pending:
        changed = False
        for req in pending:
            if not _wanted(req, target.env, set()):
                continue
            key = canonicalize_name(req.name)
            before = (len(specs.get(key, ())), len(extras.get(key, ())))
            specs.setdefault(key, set())
            if str(req.specifier):
                specs[key].add(str(req.specifier))
            extras.setdefault(key, set()).update(req.extras)
            changed |= (len(specs[key]), len(extras[key])) != before or key not in wheels
        if not changed:
            break
        lines = []
        for key in sorted(specs):
            extra = f"[{','.join(sorted(extras[key]))}]" if extras[key] else ""
            lines.append(f"{key}{extra}{','.join(sorted(specs[key]))}")
        argv = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--python-version", target.python, "--implementation", "cp",
            "--abi", "cp" + target.python.replace(".", ""), "--abi", "abi3", "--abi", "none",
            *(arg for p in target.platforms for arg in ("--platform", p)),
            "-d", str(dest), *lines,
        ]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"pip download failed for {target.name}")
        for line in done.stdout.splitlines():
            match = _SAVED.search(line.strip())
            if match:
                wheel = Path(match.group(1))
                wheel = wheel if wheel.is_absolute() else dest / wheel.name
                name = canonicalize_name(wheel.name.split("-")[0])
                wheels[name] = dest / wheel.name
        pending = []
        for key, wheel in wheels.items():
            for dep in _metadata(wheel):
                if _wanted(dep, target.env, extras.get(key, set())):
                    dep.marker = None
                    pending.append(dep)
    return sorted(wheels.values())


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    dest = root / "wheelhouse"
    dest.mkdir(exist_ok=True)
    start = top_level(root, ["dev", "bundle"])
    used: set[Path] = set()
    for target in targets():
        wheels = resolve(target, start, dest)
        used.update(wheels)
        print(f"[wheelhouse] {target.name}: {len(wheels)} wheels", flush=True)
    stale = [w for w in dest.glob("*.whl") if w not in used]
    for wheel in stale:  # an older version an earlier run fetched
        wheel.unlink()
    size = sum(w.stat().st_size for w in used)
    print(f"[wheelhouse] {dest}: {len(used)} wheels, {size / 2**20:.0f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
