"""Convert a generated .docx to PDF and PNG pages with LibreOffice headless, to look at them.

    .venv/bin/python scripts/render_pages.py REPORT.docx [--out DIR] [--dpi 80]

Prints the page count, the fonts embedded in the PDF (a CJK font must be among them, or Chinese
would show as boxes) and the PNG files written. Needs LibreOffice (``soffice``) and poppler-utils
(``pdftoppm``, ``pdffonts``); without them it says so and exits 2.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CJK_FONT_HINTS = (
    "WenQuanYi",
    "Noto Sans CJK",
    "Noto Serif CJK",
    "SimSun",
    "SimHei",
    "Microsoft YaHei",
)


def convert(docx: Path, out: Path, dpi: int = 80) -> tuple[Path, list[str], list[Path]]:
    """Returns (pdf, embedded font names, png pages)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise RuntimeError("需要 LibreOffice（soffice）和 poppler-utils（pdftoppm、pdffonts）")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out), str(docx)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    pdf = out / (docx.stem + ".pdf")
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
    try:
        pdf, fonts, pages = convert(args.docx, args.out or args.docx.parent / "pages", args.dpi)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    cjk = [f for f in fonts if any(h in f for h in CJK_FONT_HINTS)]
    print(f"{pdf}: {len(pages)} pages; fonts: {', '.join(fonts)}")
    print("CJK font embedded: " + (", ".join(cjk) if cjk else "NONE — Chinese will show as boxes"))
    for page in pages:
        print(page)
    return 0 if cjk else 1


if __name__ == "__main__":
    sys.exit(main())
