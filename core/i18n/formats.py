"""Numbers, percentages and durations written the way each language writes them.

Korean and English group digits alike (12,345.6); durations differ: "3:05" and "12 s" in
English, "3분 5초" and "12초" in Korean.
"""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from core.i18n.catalog import language

LOCALES = {"ko": "ko_KR", "en": "en_US"}


def _locale() -> str:
    return LOCALES.get(language(), "en_US")


def number(value: float, digits: int = 0) -> str:
    """12,345 or 0.9783 (with `digits` decimals), grouped as the language groups."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())


def percent(value: float, digits: int = 1) -> str:
    """0.9783 → 97.8% (with `digits` decimals)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=_locale())


def clock(seconds: float) -> str:
    """'1:05' or '1:02:03': a stopwatch reads the same in every language."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def duration(seconds: float) -> str:
    """A span of time: '0.4 s', '12 s' or '3:05' in English; '0.4초', '12초' or '3분 5초' in Korean."""
    korean = language() == "ko"
    if seconds < 10:
        return f"{seconds:.1f}" + ("초" if korean else " s")
    if seconds < 60:
        return f"{seconds:.0f}" + ("초" if korean else " s")
    if not korean:
        return clock(seconds)
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}시간"] if hours else []
    parts += [f"{minutes}분"] if minutes or hours else []
    parts += [f"{secs}초"] if secs and not hours else []
    return " ".join(parts)
