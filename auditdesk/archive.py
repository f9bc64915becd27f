"""Single-file archives (case files, backup files): a zip with a manifest of SHA-256 per member,
optionally sealed with a passphrase.

Reading trusts nothing in the file: member names are checked before anything is written (no
absolute paths, no ``..``, no drive letters or backslashes, no symlinks), the sizes the zip declares
are capped, the bytes actually inflated are counted against the same cap (a zip may lie about its
sizes), and every member must match the hash the manifest gives for it. Every refusal is an
:class:`ArchiveError` naming the file, raised before anything is written outside a temporary folder.

Encryption: scrypt (memory-hard, 128 MiB) derives a 256-bit key from the passphrase; the zip is
sealed in 1 MiB chunks with AES-256-GCM. Each chunk's nonce carries its index and a last-chunk flag,
and the header is authenticated with every chunk, so a truncated, reordered or edited file fails
the same way a wrong passphrase does — with a clear message and nothing read.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from auditdesk.errors import AuditDeskError
from auditdesk.fileperms import make_read_only, make_writable, owner_only, remove_stored

MANIFEST = "manifest.json"
MAX_UNPACKED_BYTES = 4 * 1024**3
"""What one archive may expand to in total (attachments included)."""
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 200_000

ENC_MAGIC = b"AUDITDESK-SEALED\n"
_ENC_VERSION = 1
_CHUNK = 1 << 20
_TAG = 16
_SCRYPT = {"n": 2**17, "r": 8, "p": 1}
"""The only key-derivation parameters a sealed file may carry: the ones :func:`seal` writes. Others
would let a file dictate the cost (n=2²⁰, r=32 takes minutes and 4 GiB) or crash the derivation."""
MIN_PASSPHRASE = 8
"""Characters a sealing passphrase needs at least (the GUI, the terminal and the environment)."""
SCRATCH_PREFIX = "auditdesk-archive-"
"""Decrypted archives live in ``<workdir>/auditdesk-archive-<pid>-…``: the process id lets the next
start remove what a killed process left (see :func:`orphaned_scratch`)."""


class ArchiveError(AuditDeskError):
    """The archive cannot be used as it is; nothing was written."""


class PassphraseError(ArchiveError):
    """The archive is sealed and the passphrase is missing or wrong."""


def _fail(path: Path, message: str) -> ArchiveError:
    return ArchiveError(f"{path.name}：{message}", location=str(path))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ writing
@dataclass
class ArchiveWriter:
    """Collect members; :meth:`finish` adds the manifest (with every member's hash) last."""

    path: Path
    _zip: zipfile.ZipFile = field(init=False)
    _members: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data)
        self._members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_json(self, name: str, data: Any) -> None:
        self.add_bytes(name, json.dumps(data, ensure_ascii=False, sort_keys=True).encode())

    def add_file(self, name: str, source: Path, *, compress: bool = True) -> None:
        self._zip.write(source, name, zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
        self._members[name] = {"sha256": sha256_file(source), "size": source.stat().st_size}

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self._members}
        self._zip.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()
        self.path.unlink(missing_ok=True)


@contextmanager
def write_archive(
    target: Path, passphrase: str | None = None, *, workdir: Path | None = None
) -> Iterator[ArchiveWriter]:
    """Write an archive to ``target`` atomically: a partial file never takes the target's name.

    When sealing, the plain zip is built in ``workdir`` (the data dir's own folder, not the USB
    stick the target may be on, so no unencrypted copy ever touches the stick) and only the sealed
    bytes are written beside the target.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    plain_dir = (workdir or Path(tempfile.gettempdir())) if passphrase else target.parent
    plain_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", suffix=".zip",
                                    dir=plain_dir)  # fmt: skip
    os.close(fd)
    tmp = Path(tmp_name)
    writer = ArchiveWriter(tmp)
    try:
        yield writer
        if passphrase:
            fd, sealed_name = tempfile.mkstemp(prefix=".part-", suffix=".sealed", dir=target.parent)
            os.close(fd)
            sealed = Path(sealed_name)
            try:
                seal(tmp, sealed, passphrase)
            except BaseException:
                sealed.unlink(missing_ok=True)
                raise
            owner_only(sealed)
            sealed.replace(target)
            tmp.unlink(missing_ok=True)
        else:
            owner_only(tmp)
            tmp.replace(target)
    except BaseException:
        writer.abort()
        raise


# ------------------------------------------------------------------ reading
def _unsafe_name(name: str) -> str | None:
    """Why a member name may not be extracted, or ``None`` when it is a plain relative path."""
    if not name or "\x00" in name:
        return "空的或含控制字符的文件名"
    if "\\" in name or (len(name) > 1 and name[1] == ":"):
        return "Windows 路径（反斜杠或盘符）"
    if name.startswith("/"):
        return "绝对路径"
    if any(part in ("..", ".") for part in PurePosixPath(name).parts) or "/../" in f"/{name}/":
        return "指向上级目录的路径（..）"
    return None


@dataclass
class OpenedArchive:
    """A checked archive: names are safe, declared sizes are within the cap, manifest is read."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict[str, Any]
    label: Path

    def names(self) -> list[str]:
        return [n for n in self.zip.namelist() if n != MANIFEST]

    def read(self, name: str) -> bytes:
        """A member's bytes, checked against the manifest's hash and size."""
        return b"".join(self.stream(name))

    def declared_size(self, name: str) -> int:
        """The size the manifest gives for member ``name`` (checked against the bytes when read)."""
        return int(self._expected(name)["size"])

    def stream(self, name: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """A member's bytes in chunks, never more than the manifest's size; the hash is checked
        after the last chunk (a consumer writes nothing before the stream has ended)."""
        expected = self._expected(name)
        digest, size = hashlib.sha256(), 0
        with self._reading(name), self.zip.open(name) as fh:
            while chunk := fh.read(chunk_size):
                size += len(chunk)
                if size > expected["size"]:
                    raise _fail(
                        self.label, f"成员「{name}」的实际大小超过清单所记，文件可能被篡改。"
                    )
                digest.update(chunk)
                yield chunk
        self._check(name, digest.hexdigest(), size, expected)

    def read_json(self, name: str) -> Any:
        try:
            return json.loads(self.read(name))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise _fail(self.label, f"成员「{name}」不是有效的 JSON（{exc}）。") from exc

    def extract(self, name: str, target: Path) -> None:
        """Stream a member to ``target`` (written as ``.part`` and renamed once its hash checks)."""
        expected = self._expected(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        digest, size = hashlib.sha256(), 0
        try:
            with self._reading(name), self.zip.open(name) as src, tmp.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    size += len(chunk)
                    if size > expected["size"]:
                        raise _fail(
                            self.label, f"成员「{name}」的实际大小超过清单所记，文件可能被篡改。"
                        )
                    digest.update(chunk)
                    dst.write(chunk)
            self._check(name, digest.hexdigest(), size, expected)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    @contextmanager
    def _reading(self, name: str) -> Iterator[None]:
        """Inflating a damaged member fails in zlib or zipfile: report it as a damaged file."""
        try:
            yield
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise _fail(self.label, f"成员「{name}」已损坏，无法解压（{exc}）。") from exc
        except OSError as exc:
            if isinstance(exc, PermissionError | FileNotFoundError) or exc.errno in (28,):
                raise
            raise _fail(self.label, f"成员「{name}」已损坏，无法解压（{exc}）。") from exc

    def _expected(self, name: str) -> dict[str, Any]:
        members = self.manifest.get("members", {})
        entry = members.get(name) if isinstance(members, dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise _fail(self.label, f"清单中没有成员「{name}」的校验值，文件不完整或被篡改。")
        size = entry.get("size")
        if not isinstance(size, int) or size < 0:
            raise _fail(self.label, f"清单中成员「{name}」的大小无效。")
        return entry

    def _check(self, name: str, digest: str, size: int, expected: dict[str, Any]) -> None:
        if digest != expected["sha256"] or size != expected["size"]:
            raise _fail(self.label, f"成员「{name}」的校验值与清单不符，文件已损坏或被篡改。")


@contextmanager
def open_archive(
    path: Path,
    *,
    passphrase: str | None = None,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    workdir: Path | None = None,
) -> Iterator[OpenedArchive]:
    """Open and check ``path`` (sealed or plain). Raises :class:`ArchiveError` for any problem.

    A sealed file is decrypted into a temporary folder under ``workdir`` (the data dir) and removed
    when the block ends."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(ENC_MAGIC))
    except FileNotFoundError as exc:
        raise _fail(path, "文件不存在。") from exc
    except OSError as exc:
        raise _fail(path, f"无法打开文件（{exc.strerror or exc}）。") from exc
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=workdir) as tmp_dir:
        plain = path
        if head == ENC_MAGIC:
            if not passphrase:
                raise PassphraseError(
                    f"{path.name}：此文件已加密，请输入口令。", location=str(path)
                )
            plain = Path(tmp_dir) / "plain.zip"
            unseal(path, plain, passphrase, max_bytes=max_unpacked)
        try:
            zf = zipfile.ZipFile(plain)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _fail(path, "文件不完整或已损坏（不是有效的压缩包，可能传输时被截断）。") from exc
        with zf:
            yield OpenedArchive(path=plain, zip=zf, manifest=_check_members(zf, path, max_unpacked),
                                label=path)  # fmt: skip


def _check_members(zf: zipfile.ZipFile, label: Path, max_unpacked: int) -> dict[str, Any]:
    try:
        infos = zf.infolist()
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
    ) as exc:  # pragma: no cover - zipfile reads it eagerly
        raise _fail(label, "文件已损坏（目录无法读取）。") from exc
    if len(infos) > MAX_MEMBERS:
        raise _fail(label, f"包含 {len(infos)} 个成员，超过上限，可能是恶意构造的文件。")
    seen: set[str] = set()
    total = 0
    for info in infos:
        reason = _unsafe_name(info.filename)
        if reason:
            raise _fail(label, f"成员「{info.filename}」使用了{reason}，为安全起见拒绝导入。")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _fail(label, f"成员「{info.filename}」是符号链接，为安全起见拒绝导入。")
        if info.filename in seen:
            raise _fail(label, f"成员「{info.filename}」重复出现，文件可能被篡改。")
        seen.add(info.filename)
        total += info.file_size
    if total > max_unpacked:
        raise _fail(
            label,
            f"解压后将达 {total // 1024 // 1024} MB，超过 {max_unpacked // 1024 // 1024} MB 的上限，"
            "可能是恶意构造的“压缩炸弹”。",
        )
    if MANIFEST not in seen:
        raise _fail(label, "缺少清单 manifest.json，不是 AuditDesk 生成的文件或文件不完整。")
    info = zf.getinfo(MANIFEST)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _fail(label, "清单 manifest.json 过大，可能是恶意构造的文件。")
    try:
        with zf.open(MANIFEST) as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        manifest = json.loads(raw)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:  # fmt: skip
        raise _fail(label, f"清单 manifest.json 无法读取（{exc}），文件已损坏。") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise _fail(label, "清单 manifest.json 格式不正确。")
    listed = set(manifest["members"])
    missing = sorted(listed - seen)
    if missing:
        raise _fail(label, f"清单列出的成员「{missing[0]}」在文件中不存在，文件不完整。")
    extra = sorted(seen - listed - {MANIFEST})
    if extra:
        raise _fail(label, f"成员「{extra[0]}」未列在清单中，文件可能被篡改。")
    return manifest


# ------------------------------------------------------------------ sealing
def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return kdf.derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def seal(source: Path, target: Path, passphrase: str) -> None:
    """Encrypt ``source`` into ``target`` (see the module docstring for the format)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
    header = json.dumps(
        {"v": _ENC_VERSION, "kdf": "scrypt", **_SCRYPT, "salt": salt.hex(), "nonce": prefix.hex()}
    ).encode()
    aead = AESGCM(_derive(passphrase, salt, _SCRYPT))
    aad = ENC_MAGIC + header
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(ENC_MAGIC + struct.pack(">H", len(header)) + header)
        chunk, index = src.read(_CHUNK), 0
        while True:
            following = src.read(_CHUNK)
            dst.write(aead.encrypt(_nonce(prefix, index, not following), chunk, aad))
            if not following:
                break
            chunk, index = following, index + 1


def unseal(source: Path, target: Path, passphrase: str, *, max_bytes: int) -> None:
    """Decrypt ``source`` into ``target``; a wrong passphrase or any change to the file is refused."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with source.open("rb") as src:
        src.read(len(ENC_MAGIC))
        try:
            (size,) = struct.unpack(">H", src.read(2))
            header_bytes = src.read(size)
            header = json.loads(header_bytes)
            params = {k: int(header[k]) for k in ("n", "r", "p")}
            salt, prefix = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
            version = int(header["v"])
        except (
            struct.error,
            ValueError,
            KeyError,
            TypeError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise _fail(source, "加密文件的头部已损坏，无法解密。") from exc
        if version > _ENC_VERSION:
            raise _fail(source, "文件由更新版本的 AuditDesk 加密，请升级后再导入。")
        if params != _SCRYPT or len(prefix) != 7 or len(salt) != 16:
            raise _fail(
                source,
                f"加密文件的参数异常（n={params['n']}，r={params['r']}，p={params['p']}），"
                "不是 AuditDesk 写入的参数，拒绝解密。",
            )
        aead = AESGCM(_derive(passphrase, salt, params))
        aad = ENC_MAGIC + header_bytes
        written, index = 0, 0
        with target.open("wb") as dst:
            block = src.read(_CHUNK + _TAG)
            while True:
                following = src.read(_CHUNK + _TAG)
                try:
                    plain = aead.decrypt(_nonce(prefix, index, not following), block, aad)
                except InvalidTag as exc:
                    if index == 0 and not _opens_as_middle(aead, prefix, block, aad):
                        raise PassphraseError(
                            f"{source.name}：口令错误，或文件已被改动，无法解密。",
                            location=str(source),
                        ) from exc
                    raise _fail(source, "文件不完整或已被改动（第 "
                                f"{index + 1} 段校验失败），无法解密。") from exc  # fmt: skip
                written += len(plain)
                if written > max_bytes:
                    raise _fail(source, "解密后的内容超过上限，拒绝导入。")
                dst.write(plain)
                if not following:
                    break
                block, index = following, index + 1


def _opens_as_middle(aead: Any, prefix: bytes, block: bytes, aad: bytes) -> bool:
    """Whether the first block decrypts as a chunk that is *not* the last: then the passphrase is
    right and the file was cut off after it (a full first chunk and nothing behind it)."""
    from cryptography.exceptions import InvalidTag

    if len(block) != _CHUNK + _TAG:
        return False
    try:
        aead.decrypt(_nonce(prefix, 0, False), block, aad)
    except InvalidTag:
        return False
    return True


def orphaned_scratch(folder: Path) -> list[Path]:
    """Scratch entries in ``folder`` (decrypted archives, plain zips before sealing) whose process
    is no longer running: a killed import or export left them, holding personal data in clear."""
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        rest = entry.name.removeprefix(SCRATCH_PREFIX)
        pid_text = rest.split("-", 1)[0]
        if rest == entry.name or not pid_text.isdigit():
            continue
        if int(pid_text) != os.getpid() and not _process_alive(int(pid_text)):
            found.append(entry)
    return found


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def is_sealed(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(ENC_MAGIC)) == ENC_MAGIC
    except OSError:
        return False


def copy_atomic(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)


def copy_verified(source: Path, target: Path, sha256: str) -> bool:
    """Copy ``source`` to ``target`` as a read-only stored file, only if the copy's SHA-256 is
    ``sha256``; a file already at ``target`` is replaced. Returns ``False`` (and changes nothing)
    when the content does not match: the source was edited or damaged.

    Copies, never links: a stored file shares no inode with any other, so editing one cannot
    change another (a backup's copy, the data dir's copy).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    remove_stored(tmp)
    shutil.copyfile(source, tmp)
    if sha256_file(tmp) != sha256:
        tmp.unlink(missing_ok=True)
        return False
    make_read_only(tmp)
    if target.exists():
        make_writable(target)
    tmp.replace(target)
    return True


def is_intact(path: Path, sha256: str) -> bool:
    """Whether a stored file exists with the content its name promises."""
    try:
        return path.is_file() and sha256_file(path) == sha256
    except OSError:
        return False


__all__ = [
    "MIN_PASSPHRASE",
    "ArchiveError",
    "ArchiveWriter",
    "OpenedArchive",
    "PassphraseError",
    "copy_atomic",
    "copy_verified",
    "is_intact",
    "is_sealed",
    "open_archive",
    "orphaned_scratch",
    "seal",
    "sha256_file",
    "unseal",
    "write_archive",
]
