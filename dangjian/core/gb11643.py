"""GB 11643-1999 公民身份号码: the check character (ISO 7064 MOD 11-2). The register's rules
(``register.rules``: format, birth date, sex) build on it; demo and bench data use it to make
valid made-up numbers."""
from __future__ import annotations

from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    total = sum(map(mul, map(int, first17[:17]), WEIGHTS))
    return CHECK_CHARS[total % 11]
