"""``manage.py load_demo [--if-empty] [--members 30000] [--seed N]``: load the 演示县 (demo county).

What it does, in order:

1. With ``--if-empty``: if any Organization exists it does nothing and says so (``make run``
   calls it this way on every start). Without it, it refuses when the demo county is already
   there; it may be added next to a real county (its names all carry 演示).
2. In one transaction, ``dangjian.register.demo``: the 演示县's divisions (县 → 乡/镇/街道 →
   村/城市社区/村改居社区), organisations (县委, 党委, 党工委, 机关党委, 党总支, 党支部 and
   联合党支部 in villages, communities, agencies, 事业单位, 国有企业 and 两新), ``--members``
   members, one demo login per role (password ``core.demo.DEMO_PASSWORD``), and ONE audit row
   (action ``imported``, note "生成演示数据") — not one per member.
3. Every other app's ``<app>/demo.py`` ``populate(ctx)`` (``core.extensions.app_modules("demo")``),
   in the order of the modules' ``DEMO_ORDER`` (default 50), then INSTALLED_APPS order, each outside any transaction (so durable services work) and each with
   a ``DemoContext`` of its own whose ``rng`` is seeded from ``--seed`` and the app's label (one
   app's changes do not reshuffle another's data). A failing app is reported with its traceback,
   the others still run, and the command exits non-zero at the end. ``--skip-apps a,b`` skips some.
4. Prints the demo logins (username, password, role, scope).

``ctx.root`` is the 县委 "中共演示县委员会"; ``ctx.today`` the day the data is relative to
(``--today``, default today); ``ctx.actor`` is ``Actor.command()`` (the command line, no user).
``ctx.extra`` holds (the same dict for every app; do not remove keys, add your own only if
documented here):

- ``"users"``: dict of the demo ``User``s by key: ``"county_admin"`` (县委), ``"organiser"``
  (a 镇党委's organiser), ``"street_organiser"`` (a 街道党工委's organiser: outside the
  organiser's scope), ``"secretary"`` and ``"member"`` (both members of ``"secretary_branch"``;
  ``user.member`` is their Member record).
- ``"password"``: the demo password of all those users.
- ``"people"``: a shared ``core.demo.PeopleFactory`` — use it for made-up people (applicants,
  contacts): ``people.person(age_from, age_to)`` gives name, sex, birth date, a GB 11643-valid
  ID number unique among all demo people, phone, ethnicity.
- ``"root_division"``: the 演示县 Division.
- ``"township_committees"``: list of the 乡/镇 党委 and 街道 党工委 (township level) Organizations.
- ``"branches"``: list of every 党支部 and 联合党支部, in tree (path) order.
- ``"organiser_org"``: the 镇党委 of ``users["organiser"]``.
- ``"street_org"``: the 街道党工委 of ``users["street_organiser"]``.
- ``"secretary_branch"``: the village 党支部 of ``users["secretary"]`` and ``users["member"]``
  (under ``"organiser_org"``).
- ``"secretary_member"`` / ``"member_record"``: the Member records of the secretary and member users.
- ``"big_branch"``: a 党支部 with more than 50 members (None below 168 members).
- ``"small_branch"``: a 党支部 with only 2 (full) members.
- ``"member_count"``: how many members were generated; ``"seed"``: the seed.
- ``"branch_moves"`` (added by the transfers demo, which runs first: ``DEMO_ORDER = 40``): every change
  of branch it made, ``{"member_id", "from_org_id", "to_org_id", "on"}`` (None: outside the platform;
  from ``on`` the member belongs to ``to_org``), so a later demo can tell who belonged where on a day.
"""
from __future__ import annotations

import datetime
import random
import sys
import time
import traceback
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.demo import (
    DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_PASSWORD, DEMO_ROOT_ORG_NAME, PeopleFactory, forget_demo_loaded,
)
from dangjian.core.extensions import DemoContext, app_modules
from dangjian.core.models import AuditLog

REGISTER_DEMO = "dangjian.register.demo"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(h, w) for h, w in zip(headers, widths)) + " |", line]
    out += ["| " + " | ".join(_pad(str(c), w) for c, w in zip(r, widths)) + " |" for r in rows]
    out.append(line)
    return "\n".join(out)


class Command(BaseCommand):
    help = "载入演示县（演示数据：行政区划、党组织、党员、各角色演示账号及各应用的演示数据）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有党组织时不做任何事")
        parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="党员人数（默认 30000）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认固定，数据可重现）")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="演示数据以哪一天为“今天”（YYYY-MM-DD，默认今天）")
        parser.add_argument("--skip-apps", default="", help="不生成这些应用的演示数据（逗号分隔，如 orglife,transfers）")

    def handle(self, *args, **opts):
        from dangjian.register import demo as register_demo
        from dangjian.register.models import Organization

        verbosity = opts["verbosity"]
        if opts["if_empty"] and Organization.objects.exists():
            if verbosity:
                self.stdout.write("数据库中已有党组织，未载入演示数据（--if-empty）。")
            return
        if Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).exists():
            raise CommandError(f"演示县已存在（{DEMO_ROOT_ORG_NAME}），不再重复载入。")
        if opts["members"] < 1:
            raise CommandError("--members 必须是正整数")

        seed, today = opts["seed"], opts["today"] or timezone.localdate()
        rng = random.Random(seed)
        actor = Actor.command()
        people = PeopleFactory(rng, today)
        started = time.monotonic()
        try:
            with transaction.atomic(durable=True):
                county = register_demo.create_county(rng=rng, today=today, members=opts["members"], people=people)
                users = register_demo.create_users(county, DEMO_PASSWORD)
                audit.record(
                    actor=actor, action=AuditLog.Action.IMPORTED, obj=county.root, note="生成演示数据",
                    changes={
                        "divisions": [0, len(county.divisions)], "organizations": [0, len(county.organizations)],
                        "members": [0, county.member_count], "users": [0, len(users)],
                    },
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        forget_demo_loaded()
        # Seconds per part, for the core bench (which runs this command through an instance it holds).
        self.timings = {"register": time.monotonic() - started}
        if verbosity:
            self.stdout.write(
                f"演示县已生成：行政区划 {len(county.divisions)} 个，党组织 {len(county.organizations)} 个"
                f"（其中支部 {len(county.branches)} 个），党员 {county.member_count} 名，"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )

        extra = {
            "users": users,
            "password": DEMO_PASSWORD,
            "people": people,
            "root_division": county.root_division,
            "township_committees": county.township_committees,
            "branches": county.branches,
            "organiser_org": county.organiser_org,
            "street_org": county.street_org,
            "secretary_branch": county.secretary_branch,
            "secretary_member": county.secretary_member,
            "member_record": county.member_record,
            "big_branch": county.big_branch,
            "small_branch": county.small_branch,
            "member_count": county.member_count,
            "seed": seed,
        }
        skip = {a.strip() for a in opts["skip_apps"].split(",") if a.strip()}
        failed = []
        for module in sorted(app_modules("demo"), key=lambda m: getattr(m, "DEMO_ORDER", 50)):
            if module.__name__ == REGISTER_DEMO or not hasattr(module, "populate"):
                continue
            app = module.__name__.split(".")[1]
            if app in skip:
                if verbosity:
                    self.stdout.write(f"跳过 {app} 的演示数据（--skip-apps）。")
                continue
            ctx = DemoContext(rng=random.Random(f"{seed}:{app}"), today=today, actor=actor, root=county.root,
                              extra=extra)
            t0 = time.monotonic()
            try:
                module.populate(ctx)
            except Exception:
                failed.append(app)
                self.stderr.write(f"{app} 的演示数据生成失败：\n{traceback.format_exc()}")
                continue
            finally:
                self.timings[app] = time.monotonic() - t0
            if verbosity:
                self.stdout.write(f"{app} 的演示数据已生成，用时 {time.monotonic() - t0:.1f} 秒。")

        if verbosity:
            self.stdout.write("")
            self.stdout.write("演示账号（仅供演示，切勿用于真实数据）：")
            self.stdout.write(self.logins_table(users))
            self.stdout.write(f"共用时 {time.monotonic() - started:.1f} 秒。")
        sys.stdout.flush()
        if failed:
            raise CommandError(f"以下应用的演示数据生成失败：{'、'.join(failed)}（其余数据已保存）")

    @staticmethod
    def logins_table(users: dict) -> str:
        rows = [
            [u.username, DEMO_PASSWORD, u.get_role_display(), u.organization.name if u.organization_id else ""]
            for u in users.values()
        ]
        return format_table(["用户名", "密码", "角色", "管理范围"], rows)
