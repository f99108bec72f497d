"""Helpers for the 演示县 (demo county): made-up people, valid made-up ID numbers, the demo marker.

Every app's ``demo.populate(ctx)`` may use these (``ctx.extra["people"]`` is a shared
``PeopleFactory`` whose ID numbers never collide with the members already generated). Nothing
here is real: the county, its places and organisations all carry 演示 in their names, and the ID
numbers use the region code 419999, which belongs to no real county.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Optional, Sequence, TypeVar

from django.core.cache import cache
from django.db import DatabaseError

from . import gb11643
from .dates import add_years

DEMO_COUNTY_NAME = "演示县"
DEMO_ROOT_ORG_NAME = "中共演示县委员会"
DEMO_PASSWORD = "yanshi2026"
DEMO_ID_REGION = "419999"
DEFAULT_SEED = 20260701
DEFAULT_MEMBERS = 30000

_CACHE_KEY = "demo-county-loaded"

T = TypeVar("T")


def demo_loaded() -> bool:
    """Whether this database holds the demo county (cached for 60 seconds; False before migrate):
    whether any app's ``demo.py`` says ``is_loaded()`` (the register: the 演示县's 县委 exists)."""
    value = cache.get(_CACHE_KEY)
    if value is None:
        from .extensions import app_modules

        try:
            value = any(m.is_loaded() for m in app_modules("demo") if hasattr(m, "is_loaded"))
        except DatabaseError:
            value = False
        cache.set(_CACHE_KEY, value, 60)
    return value


def forget_demo_loaded() -> None:
    cache.delete(_CACHE_KEY)


def weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    """One value of ``[(value, weight), ...]``."""
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


# --- Names ---------------------------------------------------------------------------------

# Common family names, roughly by frequency (most frequent first, weights fall off).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [1.0 / (1 + i / 8) for i in range(len(SURNAMES))]
MALE_CHARS = "伟强军磊勇杰涛斌建国明辉刚平华亮超峰波鹏飞宇浩俊杰志文博海林东晨轩宏春福永胜德成"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英红玲燕萍兰琴梅莉慧婷雪颖洁琳倩佳欣怡晓蕾凤玉桂丹云"

# Ethnic groups a made-up central-southern county might have besides 汉族.
MINORITIES = (("土家族", 30), ("苗族", 25), ("回族", 15), ("侗族", 8), ("瑶族", 8), ("壮族", 6), ("满族", 5), ("蒙古族", 3))

_PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183", "186",
                   "187", "188", "189", "191", "199")


@dataclass
class Person:
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    phone: str
    ethnicity: str


class PeopleFactory:
    """Made-up people with GB 11643-valid ID numbers, unique within one demo run.

    The sequence code (digits 15–17) counts per birth date and sex, odd for men and even for
    women, so the 17th digit always agrees with the sex and no two people share a number.
    """

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self._next_seq: dict[tuple[datetime.date, str], int] = {}

    def name(self, sex: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS, k=1)[0]
        chars = MALE_CHARS if sex == "男" else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(100_000_000):08d}"

    def ethnicity(self, minority_share: float = 0.08) -> str:
        if self.rng.random() < minority_share:
            return weighted(self.rng, MINORITIES)
        return "汉族"

    def id_number(self, birth: datetime.date, sex: str) -> str:
        key = (birth, sex)
        k = self._next_seq.get(key, 0)
        if k >= 500:
            raise ValueError(f"同一出生日期的演示身份号码已用尽：{birth}")
        self._next_seq[key] = k + 1
        seq = 2 * k + (1 if sex == "男" else 0)
        body = f"{DEMO_ID_REGION}{birth:%Y%m%d}{seq:03d}"
        return body + gb11643.check_char(body)

    def birth_date(self, age_from: int, age_to: int) -> datetime.date:
        """A birth date giving an age in [age_from, age_to] today."""
        latest = add_years(self.today, -age_from)
        earliest = add_years(self.today, -(age_to + 1)) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def person(self, age_from: int = 18, age_to: int = 60, sex: Optional[str] = None,
               female_share: float = 0.4, phone_share: float = 0.9) -> Person:
        sex = sex or ("女" if self.rng.random() < female_share else "男")
        birth = self.birth_date(age_from, age_to)
        return Person(
            name=self.name(sex), sex=sex, birth_date=birth, id_number=self.id_number(birth, sex),
            phone=self.phone() if self.rng.random() < phone_share else "", ethnicity=self.ethnicity(),
        )


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day in [first, last] (``first`` when the range is empty)."""
    span = (last - first).days
    return first + datetime.timedelta(days=rng.randrange(span + 1)) if span > 0 else first
