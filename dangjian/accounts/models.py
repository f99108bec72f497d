from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from dangjian.core import roles
from dangjian.core.scope import ScopedQuerySet
from dangjian.core.tree import STEP


class UserQuerySet(ScopedQuerySet):
    """The accounts a county administrator manages: those placed in their organisation's subtree.
    Nobody else manages accounts (they see none)."""

    def scope_filter(self, user, action):
        if user.role != roles.COUNTY_ADMIN or user.scope_path is None:
            return self.none()
        return self.in_subtree(user.scope_path)

    def staff_over(self, org):
        """Active organisers and secretaries whose organisation is ``org`` or above it (not the county
        administrators): whom the platform tells about the organisation's business."""
        paths = [org.path[:i] for i in range(STEP, len(org.path) + 1, STEP)]
        return self.filter(is_active=True, role__in=roles.LOCAL_STAFF_ROLES, organization__path__in=paths)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    def deconstruct(self):
        # Migrations see the plain UserManager (historical models need create_user, not the scope),
        # so adding the scope needs no migration.
        return False, "django.contrib.auth.models.UserManager", None, (), {}

    def __eq__(self, other):
        return isinstance(other, UserManager) and self._constructor_args == other._constructor_args

    def __hash__(self):
        return id(self)


class User(AbstractUser):
    """A person who logs in. The role and the organisation together fix the data scope."""

    class Role(models.TextChoices):
        # The names and labels are the role policy's (dangjian.core.roles).
        COUNTY_ADMIN = roles.COUNTY_ADMIN, roles.ROLE_LABELS[roles.COUNTY_ADMIN]
        ORGANISER = roles.ORGANISER, roles.ROLE_LABELS[roles.ORGANISER]
        SECRETARY = roles.SECRETARY, roles.ROLE_LABELS[roles.SECRETARY]
        MEMBER = roles.MEMBER, roles.ROLE_LABELS[roles.MEMBER]
        DISCIPLINE = roles.DISCIPLINE, roles.ROLE_LABELS[roles.DISCIPLINE]

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.MEMBER)
    organization = models.ForeignKey(
        "register.Organization", verbose_name="所在党组织（管理范围）", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text="县委组织部管理员：县委；组织员：所在党（工）委；书记：所在支部；党员：所在支部",
    )
    member = models.OneToOneField(
        "register.Member", verbose_name="对应党员", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="user",
    )

    # 等保 2.0: a password the administrator set (a new account, a reset) is changed by its owner at
    # the next login (ForcePasswordChangeMiddleware).
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are written family name first with no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_county_admin(self) -> bool:
        return roles.is_county_admin(self)

    @property
    def may_view_full_pii(self) -> bool:
        """Only the county organisation department sees whole ID and phone numbers."""
        return self.is_superuser or self.role == self.Role.COUNTY_ADMIN

    @property
    def scope_path(self) -> str | None:
        """Path prefix of the user's organisation subtree; None means nothing."""
        return self.organization.path if self.organization_id else None


class OneTimeSheetQuerySet(ScopedQuerySet):
    """A sheet of one-time passwords is its owner's; one opened from the command line (no owner) is any
    county administrator's to take."""

    def scope_filter(self, user, action):
        if not roles.is_county_admin(user):
            return self.none()
        return self.filter(models.Q(owner=user) | models.Q(owner__isnull=True))


class OneTimeSheet(models.Model):
    """The one-time passwords of accounts opened in bulk (issue 14), kept encrypted until their one
    download: taking the sheet deletes it, so the plain passwords exist nowhere after that."""

    owner = models.ForeignKey(User, verbose_name="生成人", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="one_time_sheets")
    label = models.CharField("说明", max_length=200)
    count = models.PositiveIntegerField("账号数")
    rows_encrypted = models.TextField("内容（密文）", editable=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = OneTimeSheetQuerySet.as_manager()

    class Meta:
        verbose_name = "初始密码表"
        verbose_name_plural = "初始密码表"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label}（{self.count}个账号）"
