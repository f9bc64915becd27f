"""The laws a report cites: each law once, by its full title (以下简称 its short name), ranked by
the level of the source, articles merged in ascending order; descriptive names stay outside 《》.

The citations on findings name laws by the short name the checklists and rules use
(``劳动合同法``); :data:`LAWS` maps them to their full titles and document numbers. A name that is
not a document's real title (``上海市最低工资标准调整通知`` stands for a yearly series) is printed
without 《》, so the union never signs a title that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from auditdesk.models.finding import Citation


class Level(IntEnum):
    """The order laws are listed in (法律 → 行政法规 → 部门规章 → 司法解释 → 地方 → other)."""

    LAW = 0
    REGULATION = 1
    MINISTRY = 2
    JUDICIAL = 3
    LOCAL = 4
    OTHER = 5


@dataclass(frozen=True)
class Law:
    """How one cited law is printed: ``full`` title, ``doc_number`` (文号) when the data has it,
    ``titled`` False for a descriptive name that must not be put in 《》."""

    full: str
    level: Level
    doc_number: str = ""
    titled: bool = True
    display: str = ""
    """The whole printed name when it is not 《full》 (a national standard)."""


_PRC = "中华人民共和国"
LAWS: dict[str, Law] = {
    # 法律 (NPC): the full title carries 中华人民共和国.
    **{short: Law(_PRC + short, Level.LAW)
       for short in ("劳动法", "劳动合同法", "社会保险法", "劳动争议调解仲裁法", "工会法", "出境入境管理法")},
    "全国人大常委会关于实施渐进式延迟法定退休年龄的决定": Law(
        "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定", Level.LAW),
    # 行政法规
    "劳动合同法实施条例": Law(_PRC + "劳动合同法实施条例", Level.REGULATION),
    **{name: Law(name, Level.REGULATION)
       for name in ("住房公积金管理条例", "职工带薪年休假条例", "女职工劳动保护特别规定", "禁止使用童工规定",
                    "工伤保险条例", "劳动保障监察条例", "国务院关于职工工作时间的规定",
                    "全国年节及纪念日放假办法", "国务院关于渐进式延迟法定退休年龄的办法")},
    # 部门规章和规范性文件 (document numbers from the labour-law facts file)
    "工资支付暂行规定": Law("工资支付暂行规定", Level.MINISTRY, "劳部发〔1994〕489号"),
    **{name: Law(name, Level.MINISTRY)
       for name in ("最低工资规定", "企业职工带薪年休假实施办法", "未成年工特殊保护规定", "劳务派遣暂行规定",
                    "外国人在中国就业管理规定", "集体合同规定", "防暑降温措施管理办法",
                    "关于企业实行不定时工作制和综合计算工时工作制的审批办法",
                    "关于职工全年月平均工作时间和工资折算问题的通知",
                    "关于贯彻执行《中华人民共和国劳动法》若干问题的意见",
                    "企业职工患病或非因工负伤医疗期规定",
                    "国家劳动总局、财政部关于国营企业职工请婚丧假和路程假问题的通知",
                    "超龄劳动者基本权益保障暂行规定（征求意见稿）")},
    # 司法解释
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）": Law(
        "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", Level.JUDICIAL, "法释〔2020〕26号"),
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）": Law(
        "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）", Level.JUDICIAL, "法释〔2025〕12号"),
    # 上海
    "上海市人口与计划生育条例": Law("上海市人口与计划生育条例", Level.LOCAL),
    "上海市企业工资支付办法": Law("上海市企业工资支付办法", Level.LOCAL, "沪人社综发〔2016〕29号"),
    "上海市人民政府关于本市劳动者在履行劳动合同期间患病或者非因工负伤的医疗期标准的规定": Law(
        "上海市人民政府关于本市劳动者在履行劳动合同期间患病或者非因工负伤的医疗期标准的规定", Level.LOCAL),
    "上海市劳动和社会保障局关于病假工资计算的公告": Law(
        "上海市劳动和社会保障局关于病假工资计算的公告", Level.LOCAL),
    # Descriptive names of yearly Shanghai notices: no document number in the data, no 《》.
    **{name: Law(name, Level.LOCAL, titled=False)
       for name in ("上海市最低工资标准调整通知", "上海市社会保险缴费基数调整通知", "上海市高温津贴标准",
                    "上海市人力资源和社会保障局关于本市社会保险缴费基数上下限的通知",
                    "上海市人力资源和社会保障局关于调整本市最低工资标准的通知",
                    "上海市人力资源和社会保障局关于调整本市高温津贴标准的通知（2019 年）")},
    "公民身份号码（GB 11643-1999）": Law(
        "公民身份号码", Level.OTHER, display="国家标准 GB 11643—1999《公民身份号码》"),
}  # fmt: skip
"""Short name used in the data → how the law is printed. Unknown names print as cited, in 《》."""

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = "[零一二两三四五六七八九十百千]+"
_ARTICLE = re.compile(rf"^第({_NUM})条(?:至第({_NUM})条)?(?:第({_NUM})款)?(?:第({_NUM})项)?(.*)$")
_PART = re.compile(rf"^(?:第({_NUM})款)?(?:第({_NUM})项)?(.*)$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]+(?:〔\d{4}〕\d+号|令第\d+号)$")
_PAREN = re.compile(r"（([^（）]*)）")


def chinese_number(text: str) -> int:
    """``三十八`` → 38, ``一百零二`` → 102, ``十`` → 10.

    Raises:
        ValueError: a character that is not a Chinese numeral.
    """
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def _law(name: str) -> Law:
    return LAWS.get(name) or Law(name, Level.OTHER)


def _short(name: str) -> str:
    """The name the body text uses: the data's short name for a law cited by a longer title."""
    law = _law(name)
    return name if law.full != name and law.full.endswith(name) else law.full


def cite(citation: Citation) -> str:
    """One citation as the body prints it: ``《劳动合同法》第十条``; a descriptive name without 《》
    (``上海市最低工资标准调整通知（历年调整文件所列扣除项目）``)."""
    law = _law(citation.law)
    if law.display:
        name = law.display
    elif law.titled:
        name = f"《{_short(citation.law)}》"
    else:
        name = citation.law
    return f"{name}{citation.article}"


def basis_text(citations: Iterable[Citation]) -> str:
    """A finding's 法律依据: each law once, in the order first cited, its articles merged in
    ascending order (:func:`merge_articles`), laws joined with "；" (``—`` when there are none):
    ``《劳动合同法》第十条、第十四条第三款、第八十二条；《工资支付暂行规定》第十五条、第十六条``."""
    by_law: dict[str, list[Citation]] = {}
    for c in citations:
        by_law.setdefault(c.law, []).append(c)
    parts = []
    for cited in by_law.values():
        articles, numbers = merge_articles(c.article for c in cited if c.article)
        note = "".join(f"（{n}）" for n in numbers if n not in articles)
        parts.append(cite(cited[0].model_copy(update={"article": articles + note})))
    return "；".join(parts) or "—"


@dataclass(order=True)
class _Piece:
    key: tuple[int, int, int, int]
    text: str = field(compare=False)
    article: int = field(compare=False)
    whole: bool = field(compare=False)
    """Cites the whole article (or a range), not one 款 or 项 of it."""
    upto: int = field(compare=False)
    note: bool = field(default=False, compare=False)


def _split(article: str) -> tuple[list[_Piece], list[str]]:
    """``第四十四条第二项、第三项（劳部发〔1994〕503 号）`` → article pieces, document numbers;
    a part without its own 条 (``第三项``) belongs to the article before it."""
    compact = re.sub(r"\s+", "", article)
    numbers: list[str] = []

    def take_number(m: re.Match[str]) -> str:
        if _DOC_NUMBER.match(m.group(1)):
            numbers.append(m.group(1))
            return ""
        return m.group(0)

    compact = _PAREN.sub(take_number, compact)
    pieces: list[_Piece] = []
    last: tuple[str, int] | None = None
    for raw in filter(None, _split_top(compact)):
        m = _ARTICLE.match(raw)
        if m:
            start = chinese_number(m.group(1))
            end = chinese_number(m.group(2)) if m.group(2) else start
            para = chinese_number(m.group(3)) if m.group(3) else 0
            item = chinese_number(m.group(4)) if m.group(4) else 0
            last = (raw[: raw.index("条") + 1], start)
            whole = not para and not item
            pieces.append(
                _Piece((start, para, item, end), raw, start, whole, end, bool(m.group(5)))
            )
            continue
        part = _PART.match(raw)
        if last is not None and part and (part.group(1) or part.group(2)):
            para = chinese_number(part.group(1)) if part.group(1) else 0
            item = chinese_number(part.group(2)) if part.group(2) else 0
            prefix, start = last
            pieces.append(_Piece((start, para, item, start), prefix + raw, start, False, start))
            continue
        pieces.append(_Piece((10**6, 0, 0, 0), raw, -1, False, -1, True))  # a note: kept last
    return pieces, numbers


def _split_top(text: str) -> list[str]:
    """Split on "、" outside （） and 《》."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "（《"
        depth -= ch in "）》"
        if ch == "、" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [*parts, cur]


def merge_articles(articles: Iterable[str]) -> tuple[str, list[str]]:
    """Articles cited of one law → one ascending list and the document numbers found in them.

    ``["第三十八条", "第八条"]`` → ``"第八条、第三十八条"``. Ranges stay (``第十六条至第十八条``);
    an article cited whole drops its 款/项 and the articles a range covers; consecutive parts of
    one article share it (``第四十四条第二项、第三项``). Notes in （） stay with their article;
    a citation that is only a note (``（2004 年）``) comes last.
    """
    pieces: dict[str, _Piece] = {}
    numbers: list[str] = []
    for article in articles:
        found, nums = _split(article)
        numbers += [n for n in nums if n not in numbers]
        for piece in found:
            pieces.setdefault(piece.text, piece)
    kept = sorted(pieces.values())
    ranges = [(p.article, p.upto) for p in kept if p.upto > p.article]
    noted_whole = {p.article for p in kept if p.whole and p.note}
    whole = {p.article for p in kept if p.whole}

    def covered(p: _Piece) -> bool:
        if p.article < 0:
            return False
        if p.upto == p.article and any(a <= p.article <= b for a, b in ranges):
            return True  # inside a cited range
        if not p.whole:
            return p.article in whole
        return not p.note and p.article in noted_whole  # the same article with its note

    out: list[str] = []
    previous = -1
    for p in (p for p in kept if not covered(p)):
        if not p.whole and p.article == previous and p.article >= 0 and out:
            out.append(p.text[p.text.index("条") + 1 :])  # 第四十四条第二项、第三项
        else:
            out.append(p.text)
        previous = p.article
    return "、".join(out), numbers


def law_list(citations: Iterable[Citation]) -> list[dict[str, str]]:
    """Every law cited, once, ranked by :class:`Level` then by first citation.

    Returns dicts with ``name`` (the full title, bare), ``title`` (as printed: 《中华人民共和国劳动合同法》
    （以下简称《劳动合同法》）, the 文号 when known, no 《》 for a descriptive name), ``articles``
    (merged, ascending) and ``line`` (``title`` + ``articles``).
    """
    cited: dict[str, list[str]] = {}
    for c in citations:
        cited.setdefault(c.law, []).append(c.article)
    rows = []
    for order, (name, articles) in enumerate(cited.items()):
        law = _law(name)
        merged, numbers = merge_articles(a for a in articles if a)
        doc_numbers = [law.doc_number] if law.doc_number else []
        doc_numbers += [n for n in numbers if n not in doc_numbers]
        if law.display:
            title = law.display
        elif law.titled:
            title = f"《{law.full}》"
            short = _short(name)
            if short != law.full:
                title += f"（以下简称《{short}》）"
        else:
            title = name
        if doc_numbers:
            title += f"（{'、'.join(doc_numbers)}）"
        rows.append(((law.level, order), {"name": law.full, "title": title, "articles": merged,
                                          "line": title + merged}))  # fmt: skip
    return [row for _, row in sorted(rows, key=lambda r: r[0])]
