"""What an email address, a token or a password looks like in a job's arguments.

Job arguments are shown in the admin, the ops dashboard and worker logs, so jobs carry ids only;
tests/conftest.py checks every job each database test created with `secrets_in`.
"""

import re

SECRET_NAMES = re.compile(r"e-?mail|address|token|passw|secret|signature", re.IGNORECASE)
SECRET_VALUES = {
    "an email address": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    # PasswordResetTokenGenerator (and our verification tokens): base36 timestamp-hex hash
    "a Django token": re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}\b"),
    # django.core.signing.dumps: [.]payload[:timestamp]:signature (base64url)
    "signed data": re.compile(r"^\.?[\w-]+(:[\w-]+)?:[\w-]{27,}$"),
    "a password hash": re.compile(r"^(pbkdf2_|argon2|bcrypt|scrypt|md5\$|sha1\$)"),
}
# Every password the suite sets; found verbatim in a job's arguments, it fails the test.
PASSWORDS_SET: set[str] = set()


def secrets_in(value, path: str = "") -> list[str]:
    if isinstance(value, dict):
        found = [f"{path}.{k}: named like a secret" for k in value if SECRET_NAMES.search(k)]
        return found + [s for k, v in value.items() for s in secrets_in(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [s for i, v in enumerate(value) for s in secrets_in(v, f"{path}[{i}]")]
    if not isinstance(value, str):
        return []
    found = [f"{path}: {what}" for what, rx in SECRET_VALUES.items() if rx.search(value)]
    if any(password in value for password in PASSWORDS_SET):
        found.append(f"{path}: a password")
    return found


def remember_password(raw_password) -> None:
    # Shorter ones would match by chance inside ordinary values.
    if isinstance(raw_password, str) and len(raw_password) >= 8:
        PASSWORDS_SET.add(raw_password)
