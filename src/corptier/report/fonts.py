"""Finding a CJK font with fontconfig, so Chinese renders as Chinese in charts and the PDF."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corptier.errors import FontMissingError

PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
)
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
INSTALL_HINT = (
    "install a CJK font from Debian's packages: 'apt-get install fonts-noto-cjk' or "
    "'apt-get install fonts-wqy-microhei' (make system-deps does this when run as root)"
)


@dataclass(frozen=True)
class CjkFont:
    path: Path
    family: str
    """The family name fontconfig and WeasyPrint know it by."""


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont | None:
    """The best installed font covering Chinese (fontconfig first, then known Debian paths)."""
    candidates = _fontconfig_candidates()
    for family in PREFERRED_FAMILIES:
        for path, families in candidates:
            if family in families:
                return CjkFont(path, family)
    for path, families in candidates:
        plain = [f for f in families if "mono" not in f.lower()]
        if plain:
            return CjkFont(path, plain[0])
    for known in KNOWN_PATHS:
        if Path(known).is_file():
            return CjkFont(Path(known), _family_of(Path(known)))
    return None


def require_cjk_font(lang: str) -> CjkFont | None:
    """The CJK font; for a Chinese report its absence is an error that says what to install."""
    font = find_cjk_font()
    if font is None and lang.startswith("zh"):
        raise FontMissingError(
            f"no font with Chinese characters found by fontconfig; the {lang} report would show "
            f"empty boxes. {INSTALL_HINT}"
        )
    return font


def _fontconfig_candidates() -> list[tuple[Path, list[str]]]:
    """(file, family names) of every font fontconfig says covers `zh`."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "-f", "%{file}|%{family}\n"],
            capture_output=True, text=True, timeout=30, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in sorted(set(out.splitlines())):
        path, _, families = line.partition("|")
        if path and Path(path).is_file():
            found.append((Path(path), [f.strip() for f in families.split(",") if f.strip()]))
    return found


def _family_of(path: Path) -> str:
    from matplotlib import font_manager

    return font_manager.FontProperties(fname=str(path)).get_name()
