"""Read checklist TOML files, validate them, and report every problem with its file and line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditdesk.checklists.schema import ChecklistItem, ChecklistLibrary, ChecklistModule, Scale
from auditdesk.errors import AuditDeskError

MANIFEST = "checklists.toml"

FIELD_LABELS = {
    "id": "编号",
    "question": "问题",
    "finding": "问题表述",
    "guidance": "检查指引",
    "scale": "答题方式",
    "severity": "严重程度",
    "core": "基础评估标记",
    "legal_basis": "法律依据",
    "basis_status": "依据核对状态",
    "consequence": "法律后果",
    "remedy": "整改建议",
    "when": "显示条件",
    "applies_to": "适用企业",
    "note": "备注",
    "area": "领域",
    "title": "标题",
    "description": "说明",
    "items": "检查项",
    "law": "法规名称",
    "article": "条款",
    "answers": "答案",
    "item": "条目",
    "version": "版本",
    "modules": "模块文件",
}


@dataclass(frozen=True)
class ChecklistProblem:
    """One problem in a checklist file, located as precisely as we can. A ``warning`` does not
    stop the file from loading (an organisation's item without a finding statement)."""

    file: str
    message: str
    line: int | None = None
    item_id: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" 第 {self.line} 行"
        if self.item_id:
            where += f"（{self.item_id}）"
        return f"{where}：{self.message}"


class ChecklistError(AuditDeskError):
    """The checklist files cannot be used; ``problems`` lists every located problem."""

    def __init__(self, problems: list[ChecklistProblem]) -> None:
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"检查清单有 {len(problems)} 处错误：\n{lines}", location=problems[0].file)
        self.problems = problems


@dataclass
class LoadResult:
    library: ChecklistLibrary
    skipped: list[ChecklistProblem] = field(default_factory=list)
    warnings: list[ChecklistProblem] = field(default_factory=list)
    """Custom files that loaded but lack something, e.g. finding statements."""


# ------------------------------------------------------------------ locating lines
_ITEMS_HEADER = re.compile(r"^\s*\[\[\s*items\s*\]\]")


def _item_lines(text: str) -> list[int]:
    """1-based line of each ``[[items]]`` header, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if _ITEMS_HEADER.match(line)]


def _key_line(text: str, key: str, start: int = 1, end: int | None = None) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for n, line in enumerate(text.splitlines(), start=1):
        if n < start or (end is not None and n >= end):
            continue
        if pattern.match(line):
            return n
    return None


def _describe(error: Any) -> str:
    loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
    label = "、".join(FIELD_LABELS.get(p, p) for p in loc) or "内容"
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return f"缺少{label}"
    if kind in ("enum", "literal_error"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"{label}的取值“{given}”无效，可选：{expected}"
    if kind == "extra_forbidden":
        return f"未知的字段“{label}”（拼写错误？）"
    if kind == "string_pattern_mismatch":
        return f"{label}“{given}”格式不对（应如 ONB.CONTRACT_WRITTEN：大写字母、点、大写字母/数字/下划线）"
    if kind == "too_short":
        return f"{label}不能为空"
    if kind == "string_too_short":
        return f"{label}过短或为空"
    if kind == "string_too_long":
        return f"{label}不能超过 {error.get('ctx', {}).get('max_length', '')} 个字"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return f"{label}：{error['msg']}"


# ------------------------------------------------------------------ reading one module file
MAX_TOML_BYTES = 2 * 1024 * 1024
"""A checklist file's size: the largest shipped module is about 20 KB."""
MAX_TOML_DEPTH = 16
"""Nesting of tables and arrays in a checklist file: the schema needs 4."""


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _read_toml(path: Path, problems: list[ChecklistProblem]) -> tuple[dict[str, Any], str] | None:
    try:
        if path.stat().st_size > MAX_TOML_BYTES:
            problems.append(ChecklistProblem(path.name, f"文件过大（{path.stat().st_size // 1024} "
                            f"KB），检查清单文件不应超过 {MAX_TOML_BYTES // 1024 // 1024} MB"))  # fmt: skip
            return None
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(ChecklistProblem(path.name, "文件不是 UTF-8 编码，请用 UTF-8 保存"))
        return None
    except OSError as exc:
        problems.append(ChecklistProblem(path.name, f"无法读取文件：{exc.strerror or exc}"))
        return None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        data = None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+), column (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        column = f"第 {match.group(2)} 列" if match else ""
        problems.append(
            ChecklistProblem(
                path.name, f"TOML 语法错误{('：' + column) if column else ''}（{exc}）", line
            )
        )
        return None
    if data is None or _depth_exceeds(data, MAX_TOML_DEPTH):
        problems.append(ChecklistProblem(
            path.name, f"数组或表的嵌套层数过深（超过 {MAX_TOML_DEPTH} 层），不是有效的检查清单文件"))  # fmt: skip
        return None
    return data, text


NO_STATEMENT = (
    "合规检查项缺少问题表述（finding），即报告中的问题标题，应写成查明的事实，"
    "如“规章制度中设有罚款条款”（不超过 40 个字）"
)


def read_module(
    path: Path, *, custom: bool = False
) -> tuple[ChecklistModule | None, list[ChecklistProblem]]:
    """Parse and validate one module file; every item is checked, not just the first bad one.

    A compliance item without a finding statement is an error in a shipped file; in the
    organisation's own file (``custom``) it is a warning and the question stands in, so files
    written before statements existed keep loading. Returns the module (``None`` on any error)
    and the problems, warnings included.
    """
    problems: list[ChecklistProblem] = []
    parsed = _read_toml(path, problems)
    if parsed is None:
        return None, problems
    data, text = parsed
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(ChecklistProblem(path.name, "没有任何检查项（需要 [[items]] 段）"))
        return None, problems
    headers = _item_lines(text)
    items: list[ChecklistItem] = []
    for index, raw in enumerate(raw_items):
        start = headers[index] if index < len(headers) else None
        end = headers[index + 1] if index + 1 < len(headers) else None
        item_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            item = ChecklistItem.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                key = next((str(p) for p in err["loc"] if not isinstance(p, int)), None)
                line = _key_line(text, key, start or 1, end) if key and start else None
                problems.append(ChecklistProblem(path.name, _describe(err), line or start, item_id))
            continue
        items.append(item)
        if item.scale is Scale.COMPLIANCE and not item.finding:
            line = _key_line(text, "question", start, end) if start else None
            message = NO_STATEMENT + ("；暂以检查问题作为报告中的问题标题" if custom else "")
            problems.append(
                ChecklistProblem(path.name, message, line or start, item.id, warning=custom)
            )
    header = {k: v for k, v in data.items() if k != "items"}
    try:
        module = ChecklistModule.model_validate(
            {**header, "items": items or raw_items, "source": path.name, "custom": custom}
        )
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] == "items":
                continue  # already reported per item above
            key = str(err["loc"][0]) if err["loc"] else None
            problems.append(
                ChecklistProblem(path.name, _describe(err), _key_line(text, key) if key else None)
            )
        return None, problems
    if errors_only(problems):
        return None, problems
    return module, problems


def errors_only(problems: Iterable[ChecklistProblem]) -> list[ChecklistProblem]:
    """The problems that stop a file from loading (not the warnings)."""
    return [p for p in problems if not p.warning]


# ------------------------------------------------------------------ cross-file checks
def _line_of_id(path_text: dict[str, str], file: str, item_id: str) -> int | None:
    text = path_text.get(file)
    if text is None:
        return None
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(rf'^\s*id\s*=\s*"{re.escape(item_id)}"', line):
            return n
    return None


def check_library(
    modules: Iterable[ChecklistModule], texts: dict[str, str]
) -> list[ChecklistProblem]:
    """Problems across files: duplicate ids, conditions naming unknown items or impossible answers,
    conditions that form a cycle."""
    problems: list[ChecklistProblem] = []
    seen: dict[str, str] = {}
    items: dict[str, tuple[ChecklistItem, str]] = {}
    for module in modules:
        for item in module.items:
            if item.id in seen:
                problems.append(
                    ChecklistProblem(
                        module.source,
                        f"编号重复：{item.id} 已在 {seen[item.id]} 中使用",
                        _line_of_id(texts, module.source, item.id),
                        item.id,
                    )
                )
                continue
            seen[item.id] = module.source
            items[item.id] = (item, module.source)
    for item_id, (item, source) in items.items():
        if item.when is None:
            continue
        target = items.get(item.when.item)
        line = _line_of_id(texts, source, item_id)
        if target is None:
            problems.append(
                ChecklistProblem(
                    source, f"显示条件引用了不存在的检查项 {item.when.item}", line, item_id
                )
            )
            continue
        allowed = target[0].scale.answers
        wrong = [a.value for a in item.when.answers if a not in allowed]
        if wrong:
            choices = "、".join(a.value for a in allowed)
            problems.append(
                ChecklistProblem(
                    source,
                    f"显示条件的答案 {'、'.join(wrong)} 不适用于 {item.when.item}（可选：{choices}）",
                    line,
                    item_id,
                )
            )
    for item_id, (item, source) in items.items():
        chain = [item_id]
        current = item
        while current.when is not None and current.when.item in items:
            nxt = current.when.item
            if nxt in chain:
                problems.append(
                    ChecklistProblem(
                        source,
                        "显示条件形成循环：" + " → ".join([*chain, nxt]),
                        _line_of_id(texts, source, item_id),
                        item_id,
                    )
                )
                break
            chain.append(nxt)
            current = items[nxt][0]
    return problems


# ------------------------------------------------------------------ the library
def _read_manifest(folder: Path, problems: list[ChecklistProblem]) -> dict[str, Any] | None:
    manifest = folder / MANIFEST
    if not manifest.exists():
        problems.append(ChecklistProblem(MANIFEST, f"在 {folder} 中找不到清单目录文件 {MANIFEST}"))
        return None
    parsed = _read_toml(manifest, problems)
    if parsed is None:
        return None
    data, text = parsed
    for key in ("version", "title", "modules"):
        if key not in data:
            problems.append(ChecklistProblem(MANIFEST, f"缺少{FIELD_LABELS[key]}（{key}）"))
    if not isinstance(data.get("modules", []), list):
        problems.append(
            ChecklistProblem(MANIFEST, "modules 应为文件名列表", _key_line(text, "modules"))
        )
    return None if problems else data


def collect(
    shipped: Path, custom: Path | None = None
) -> tuple[
    list[ChecklistModule],
    list[ChecklistModule],
    dict[str, Any],
    list[ChecklistProblem],
    list[ChecklistProblem],
]:
    """Read everything. Returns shipped modules, custom modules, manifest, shipped problems, custom
    problems (custom warnings included: see ``ChecklistProblem.warning``)."""
    shipped_problems: list[ChecklistProblem] = []
    custom_problems: list[ChecklistProblem] = []
    manifest = _read_manifest(shipped, shipped_problems) or {}
    texts: dict[str, str] = {}
    shipped_modules: list[ChecklistModule] = []
    for name in manifest.get("modules", []):
        path = shipped / str(name)
        if not path.exists():
            shipped_problems.append(ChecklistProblem(MANIFEST, f"列出的模块文件不存在：{name}"))
            continue
        module, found = read_module(path)
        shipped_problems += found
        if module is not None:
            shipped_modules.append(module)
            texts[path.name] = path.read_text(encoding="utf-8")
    shipped_problems += check_library(shipped_modules, texts)

    custom_modules: list[ChecklistModule] = []
    if custom is not None and custom.is_dir():
        for path in sorted(custom.glob("*.toml")):
            module, found = read_module(path, custom=True)
            custom_problems += found
            if module is None:
                continue
            text = path.read_text(encoding="utf-8")
            clash = check_library(
                [*shipped_modules, *custom_modules, module], {**texts, path.name: text}
            )
            own = [p for p in clash if p.file == path.name]
            if own:
                custom_problems += own
                continue
            custom_modules.append(module)
            texts[path.name] = text
    return shipped_modules, custom_modules, manifest, shipped_problems, custom_problems


def load_library(shipped: Path, custom: Path | None = None) -> LoadResult:
    """The library in force: the shipped modules (which must be valid) plus every valid custom file.

    Raises:
        ChecklistError: the shipped files have problems (a damaged installation).
    """
    shipped_modules, custom_modules, manifest, shipped_problems, custom_problems = collect(
        shipped, custom
    )
    if shipped_problems:
        raise ChecklistError(shipped_problems)
    library = ChecklistLibrary(
        version=str(manifest["version"]),
        title=str(manifest["title"]),
        region=str(manifest.get("region", "shanghai")),
        modules=[*shipped_modules, *custom_modules],
    )
    warnings = [p for p in custom_problems if p.warning]
    return LoadResult(library, errors_only(custom_problems), warnings)


def validate_module_file(
    path: Path, library: ChecklistLibrary | None = None
) -> list[ChecklistProblem]:
    """Problems of one custom file on its own and against ``library`` (id clashes, conditions)."""
    module, problems = read_module(path, custom=True)
    if module is None:
        return problems
    others = [m for m in library.modules if m.source != path.name] if library else []
    texts = {path.name: path.read_text(encoding="utf-8")}
    return problems + [p for p in check_library([*others, module], texts) if p.file == path.name]


def scored_items(module: ChecklistModule) -> list[ChecklistItem]:
    return [i for i in module.items if i.scale is Scale.COMPLIANCE]
