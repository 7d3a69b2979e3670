"""argon2id hashes of passwords and PINs (argon2-cffi).

Parameters (docs/security.md, measured with ``benchmarks/bench_passwords.py``):
time_cost 3, memory_cost 24 MiB, parallelism 1 — about 45 ms per hash or check on the
field laptops' class of machine, so a stolen database costs an attacker that much per
guess and per account, while a sign-in stays instant. The PHC string stores its own
parameters and salt, so hashes made with other parameters still verify.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import ValidationError

TIME_COST = 3
MEMORY_COST_KIB = 24 * 1024
PARALLELISM = 1

#: Replaced by the tests with a cheap hasher (argon2's timing belongs in the benchmark).
HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB,
                        parallelism=PARALLELISM)

MIN_PASSWORD = 8
MAX_PASSWORD = 200
_PIN = re.compile(r"^[0-9]{4,8}$")


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    """True when ``secret`` matches ``stored``; False for a mismatch or a broken hash."""
    if not stored:
        HASHER.hash(secret)  # same cost as a real check: no timing hint for an unknown login
        return False
    try:
        return HASHER.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, login: str = "") -> str:
    """A new password as given; German error when it is too short or equals the login."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Passwort: mindestens {MIN_PASSWORD} Zeichen.",
                              field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"Passwort: höchstens {MAX_PASSWORD} Zeichen.", field="password")
    if login and password.strip().lower() == login.strip().lower():
        raise ValidationError("Passwort: darf nicht der Benutzername sein.", field="password")
    return password


def check_pin(pin: str) -> str:
    if not _PIN.match(pin):
        raise ValidationError("PIN: 4 bis 8 Ziffern.", field="pin")
    return pin
