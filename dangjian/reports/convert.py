"""Converting the report's .docx to PDF with LibreOffice (when it is installed), with ``fonts.conf``
mapping the official-document fonts to the closest installed ones."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(content: bytes, timeout: int = 120) -> bytes:
    binary = libreoffice()
    if binary is None:
        raise RuntimeError("未安装 LibreOffice，无法转换为 PDF")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(content)
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=tmp)
        subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=timeout, env=env)
        return (Path(tmp) / "report.pdf").read_bytes()
