"""What citebot reads from its environment, read in one place, at the edge.

The command line and the chat build one `Settings` when they start and hand it down; nothing deeper
in the package reads an environment variable. A leaf module: it imports nothing of citebot, so the
triage and the cache can both use it without pulling in each other.

    CITEBOT_CACHE_DIR        where corpus caches live (else $XDG_CACHE_HOME/citebot, else ~/.cache/citebot)
    CITEBOT_LOCALE           whose crisis contacts to show (else the system locale: $LC_ALL,
                             $LC_MESSAGES, $LANG; else US); --locale wins over all of them
    CITEBOT_LOCK_TIMEOUT     seconds to wait for another process building the same corpus (600)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COUNTRY = "US"
LOCK_TIMEOUT = 600.0


@dataclass(frozen=True)
class Settings:
    cache_dir: Path
    country: str = DEFAULT_COUNTRY  # whose crisis contacts are shown: "GB", "AU", "FR"...
    lock_timeout: float = LOCK_TIMEOUT

    @classmethod
    def read(cls, locale: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from a command line's --locale (if given) and the environment."""
        env = os.environ if environ is None else environ
        country = country_of(locale) or country_of(env.get("CITEBOT_LOCALE")) or _system_country(env) \
            or DEFAULT_COUNTRY
        return cls(cache_dir=_cache_dir(env), country=country, lock_timeout=_lock_timeout(env))


def country_of(locale: str | None) -> str | None:
    """'en_GB.UTF-8' -> 'GB', 'gb' -> 'GB'; None for no locale or one that names no country (C, POSIX)."""
    if not locale:
        return None
    name = locale.split(".")[0].split("@")[0].replace("-", "_")
    if name.upper() in ("C", "POSIX", ""):
        return None
    return name.split("_")[-1].upper() or None


def _system_country(env: Mapping[str, str]) -> str | None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if value:
            return country_of(value) if "_" in value else None
    return None


def _cache_dir(env: Mapping[str, str]) -> Path:
    """$CITEBOT_CACHE_DIR, else $XDG_CACHE_HOME/citebot, else ~/.cache/citebot. A relative path in
    either variable is ignored, as the XDG specification says: it would name another folder in
    every directory citebot is started from."""
    for value, below in ((env.get("CITEBOT_CACHE_DIR"), ""), (env.get("XDG_CACHE_HOME"), "citebot")):
        if value and os.path.isabs(value):
            return Path(value) / below
    return Path.home() / ".cache" / "citebot"


def _lock_timeout(env: Mapping[str, str]) -> float:
    try:
        return max(0.0, float(env.get("CITEBOT_LOCK_TIMEOUT", LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT
