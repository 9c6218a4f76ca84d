"""DATABASE_URL parsing, and where the embedded development PostgreSQL listens.

Kept free of Django imports so that settings.py and the `make` bootstrap can both use it.
"""

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

EMBEDDED_DATABASE = "quick_publisher"


def embedded_datadir(base_dir: Path) -> Path:
    return base_dir / ".data" / "postgres"


def embedded_url(base_dir: Path) -> str:
    """The URL of the embedded server, read from its postmaster.pid while it runs."""
    datadir = embedded_datadir(base_dir)
    socket_dir = str(datadir)
    try:
        # postmaster.pid line 5 is the socket directory (pgserver picks a short one for long paths).
        lines = (datadir / "postmaster.pid").read_text().splitlines()
        socket_dir = lines[4].strip() or socket_dir
    except (OSError, IndexError):
        pass
    return f"postgresql://postgres@/{EMBEDDED_DATABASE}?host={quote(socket_dir, safe='')}"


def parse(url: str) -> dict:
    """Django DATABASES entry for a postgres:// or postgresql:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(
            f"DATABASE_URL must start with postgresql:// (got {parts.scheme or 'no scheme'!r})."
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"DATABASE_URL has an invalid port: {describe(url)}") from None
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ValueError(f"DATABASE_URL names no database: {describe(url)}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


def describe(url: str) -> str:
    """host:port/name for messages: never the password."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    host = options.get("host") or parts.hostname or "localhost"
    try:
        port = parts.port or 5432
    except ValueError:
        port = parts.netloc.rsplit(":", 1)[-1]
    return f"{host}:{port}/{parts.path.lstrip('/')}"
