"""Convert a generated .docx to PDF and PNG pages with LibreOffice headless, to look at them.

    .venv/bin/python scripts/render_pages.py REPORT.docx [--out DIR] [--dpi 80]

The 目录 (a TOC field) is updated first by a LibreOffice Basic macro put into the throw-away
profile, as Word does on open. Prints the page count, the fonts embedded in the PDF (a CJK font
must be among them, or Chinese would show as boxes) and the PNG files written. Needs LibreOffice
(``soffice``) and poppler-utils (``pdftoppm``, ``pdffonts``); without them it says so and exits 2.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CJK_FONT_HINTS = (
    # Embedded (PostScript) names, compared without spaces, hyphens or case: a PDF names
    # "Noto Sans CJK SC" NotoSansCJKsc-Regular, "Microsoft YaHei" MicrosoftYaHei, 宋体 SimSun.
    "notosanscjk",
    "notoserifcjk",
    "sourcehansans",
    "sourcehanserif",
    "wenquanyi",
    "wqy",
    "simsun",
    "nsimsun",
    "simhei",
    "simkai",
    "simfang",
    "fangsong",
    "kaiti",
    "microsoftyahei",
    "msyh",
    "dengxian",
    "stsong",
    "stheiti",
    "stkaiti",
    "stfangsong",
    "pingfang",
    "hiragino",
    "arplu",  # AR PL UMing/UKai
    "droidsansfallback",
    "sarasagothic",
    "lxgwwenkai",
)


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def embedded_family(name: str) -> str:
    """A PDF font name without its subset tag: ``BCDEEE+NotoSansCJKsc-Regular`` → ``NotoSansCJKsc-Regular``."""
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isalpha() and tag.isupper() else name


def installed_cjk_postscript_names() -> set[str]:
    """PostScript names of the fonts that fontconfig says cover Chinese (empty without fc-list)."""
    if shutil.which("fc-list") is None:
        return set()
    done = subprocess.run(["fc-list", ":lang=zh", "postscriptname"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    found = set()
    for line in done.stdout.splitlines():
        _, _, value = line.partition("postscriptname=")
        if value.strip():
            found.add(_squash(value.strip()))
    return found


def cjk_fonts(names: list[str], installed: set[str] | None = None) -> list[str]:
    """The embedded fonts that are CJK fonts: a known CJK family, or a font that this machine's
    fontconfig lists as covering Chinese (``installed``, squashed PostScript names)."""
    installed = installed_cjk_postscript_names() if installed is None else installed
    found = []
    for name in names:
        squashed = _squash(embedded_family(name))
        if any(h in squashed for h in CJK_FONT_HINTS) or squashed in installed:
            found.append(name)
    return found


MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub UpdateAndExport(inUrl As String, outUrl As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  indexes = doc.getDocumentIndexes()
  For pass = 1 To 2
    For i = 0 To indexes.getCount() - 1
      indexes.getByIndex(i).update()
    Next i
    doc.getTextFields().refresh()
  Next pass
  Dim props(0) As New com.sun.star.beans.PropertyValue
  props(0).Name = "FilterName"
  props(0).Value = "writer_pdf_Export"
  doc.storeToURL(outUrl, props())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
 library:readonly="false" library:passwordprotected="false">
{entry}</library:library>
"""
_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" xlink:href="$(USER)/basic/Standard/{name}.xlb/"
  xlink:type="simple" library:link="false"/>
</library:libraries>
"""


def _install_macro(profile: Path) -> None:
    """Put the Basic macro UpdateAndExport into a fresh LibreOffice profile's Standard library."""
    basic = profile / "user" / "basic"
    shutil.rmtree(basic, ignore_errors=True)
    (basic / "Standard").mkdir(parents=True)
    (basic / "Standard" / "Module1.xba").write_text(MACRO, encoding="utf-8")
    (basic / "Standard" / "script.xlb").write_text(
        _LIBRARY.format(entry=' <library:element library:name="Module1"/>\n'), encoding="utf-8"
    )
    (basic / "Standard" / "dialog.xlb").write_text(_LIBRARY.format(entry=""), encoding="utf-8")
    (basic / "script.xlc").write_text(_CONTAINER.format(name="script"), encoding="utf-8")
    (basic / "dialog.xlc").write_text(_CONTAINER.format(name="dialog"), encoding="utf-8")


def convert(docx: Path, out: Path, dpi: int = 80) -> tuple[Path, list[str], list[Path]]:
    """Returns (pdf, embedded font names, png pages)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise RuntimeError("需要 LibreOffice（soffice）和 poppler-utils（pdftoppm、pdffonts）")
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / (docx.stem + ".pdf")
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        # First the macro that updates the 目录 (LibreOffice keeps a TOC field's stale text on a
        # plain --convert-to); if it cannot run, the plain conversion.
        subprocess.run(  # a profile LibreOffice made itself, or it ignores the macro
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             "--terminate_after_init"], check=False, capture_output=True, timeout=300,
        )  # fmt: skip
        _install_macro(Path(profile))
        subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             f'macro:///Standard.Module1.UpdateAndExport("{docx.resolve().as_uri()}","{pdf.resolve().as_uri()}")'],
            check=False, capture_output=True, timeout=300,
        )  # fmt: skip
        if not pdf.exists():
            subprocess.run(
                [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    for old in out.glob(f"{docx.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / docx.stem)], check=True)
    return pdf, names, sorted(out.glob(f"{docx.stem}-*.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docx", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    if not args.docx.is_file():  # LibreOffice's macro would wait for it until the timeout
        print(f"{args.docx}: no such file", file=sys.stderr)
        return 2
    try:
        pdf, fonts, pages = convert(args.docx, args.out or args.docx.parent / "pages", args.dpi)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    cjk = cjk_fonts(fonts)
    print(f"{pdf}: {len(pages)} pages; fonts: {', '.join(fonts)}")
    print("CJK font embedded: " + (", ".join(cjk) if cjk else "NONE — Chinese will show as boxes"))
    for page in pages:
        print(page)
    return 0 if cjk else 1


if __name__ == "__main__":
    sys.exit(main())
