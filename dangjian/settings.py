"""Settings for 基层党建工作平台.

Everything that differs between a laptop, CI and a county's intranet server comes from the
environment through the strict helpers below, which refuse a malformed value rather than guess.
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"环境变量 {name} 的值 {raw!r} 不是布尔值（应为 1/0、true/false）")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"环境变量 {name} 的值 {raw!r} 不是整数") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def _secret_key() -> str:
    """A development secret kept in var/ (git-ignored) unless the environment supplies one."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = VAR_DIR / "dev-secret-key.txt"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.register",
    "dangjian.roster",
    "dangjian.stats",
    "dangjian.recruitment",
    "dangjian.orglife",
    "dangjian.transfers",
    "dangjian.notifications",
    "dangjian.portal",
    "dangjian.governance",
    "dangjian.cobuilding",
    "dangjian.cadres",
    "django_tasks",
    "django_tasks_db",
    "dangjian.jobs",
    "dangjian.assessment",
    "dangjian.reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dangjian.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "csp.middleware.CSPMiddleware",
    "dangjian.core.middleware.RejectHostileParametersMiddleware",
    "dangjian.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangjian.core.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.core.middleware.SuperuserOnlyAdminMiddleware",
    "dangjian.api.auth.ApiKeyUseMiddleware",
    "dangjian.core.middleware.AuditExportsMiddleware",
    "dangjian.jobs.exports.BackgroundExportMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"

# <select> widgets rendered in Python, the same text as Django's templates (dangjian.core.forms.FormRenderer).
FORM_RENDERER = "dangjian.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "dangjian.wsgi.application"

# SQLite under var/ by default; DATABASE_URL selects another (sqlite:///abs/path or postgres://…).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during an import; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Content-Security-Policy (django-csp): scripts only from this server's static files (no inline script,
# no eval; htmx and ECharts are served locally), nothing embeds the platform in a frame. Inline style
# attributes stay allowed.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
    # The REST API's own documentation pages (drf-spectacular's Swagger UI and ReDoc) carry inline
    # script of their own; they show no personal data.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/", "/api/redoc/"],
}

# Login throttling (django-axes): an account and a source address are each locked after this many
# failed logins, for this many minutes or until the county admin unlocks the account in 用户管理.
AUTHENTICATION_BACKENDS = ["dangjian.accounts.backends.ThrottledBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("DANGJIAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env_int("DANGJIAN_LOGIN_LOCK_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_CLIENT_IP_CALLABLE = "dangjian.core.actor.client_address"
AXES_VERBOSE = False

# Django's default hashers, plus one for the random one-time passwords of accounts opened in bulk
# (dangjian.accounts.hashers: fewer rounds for a ~95-bit random secret; upgraded at the first login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "dangjian.accounts.hashers.OneTimePasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dangjian.accounts.passwords.DengbaoPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"  # collectstatic target for a production server
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "dangjian" / "static"]
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(os.environ.get("DANGJIAN_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DANGJIAN_SESSION_SECONDS", 8 * 3600)
# 等保 2.0: a session unused this long is logged out (SessionSecurityMiddleware).
DANGJIAN_IDLE_MINUTES = env_int("DANGJIAN_IDLE_MINUTES", 30)
if DANGJIAN_IDLE_MINUTES < 1:
    raise ValueError("环境变量 DANGJIAN_IDLE_MINUTES 必须是正整数（分钟）")
# HTTPS deployments: one switch for HSTS and Secure cookies (and, behind a proxy that says so, the
# scheme from X-Forwarded-Proto).
DANGJIAN_HTTPS = env_bool("DANGJIAN_HTTPS", False)
if DANGJIAN_HTTPS:
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Behind a reverse proxy (nginx) set this so the audit trail records the client's address from
# X-Forwarded-For; without a proxy the header is the client's own claim and is ignored.
DANGJIAN_TRUST_X_FORWARDED_FOR = env_bool("DANGJIAN_TRUST_X_FORWARDED_FOR", False)

# Uploaded workbooks: refused above this size with a message naming the limit.
DANGJIAN_UPLOAD_MAX_BYTES = env_int("DANGJIAN_UPLOAD_MAX_MB", 50) * 1024 * 1024
# Any request body above this is refused (413) from its declared length, before it is read or
# written to disk: the workbook limit or the largest attachment limit (100 MB), plus 1 MB.
DANGJIAN_REQUEST_MAX_BYTES = env_int("DANGJIAN_REQUEST_MAX_MB", max(DANGJIAN_UPLOAD_MAX_BYTES >> 20, 100) + 1) << 20
FILE_UPLOAD_PERMISSIONS = 0o600
# Address-space limit of the child process that reads an uploaded workbook (dangjian/roster/guard.py).
DANGJIAN_WORKBOOK_MEMORY_MB = env_int("DANGJIAN_WORKBOOK_MEMORY_MB", 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dangjian"}}

# DANGJIAN_LOG_FORMAT=json: one JSON object per line (make serve), for a log collector.
DANGJIAN_LOG_FORMAT = os.environ.get("DANGJIAN_LOG_FORMAT", "text")
if DANGJIAN_LOG_FORMAT not in ("text", "json"):
    raise ValueError(f"环境变量 DANGJIAN_LOG_FORMAT 的值 {DANGJIAN_LOG_FORMAT!r} 应为 text 或 json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dangjian.api.jsonlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             **({"formatter": "json"} if DANGJIAN_LOG_FORMAT == "json" else {})}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGJIAN_LOG_LEVEL", "WARNING")},
}

# Background jobs (Django's task API, the django-tasks backport). The default keeps the queue in the
# platform's own database (django-tasks-db; run `manage.py run_worker`). A county that outgrows one
# machine sets DANGJIAN_TASKS_BACKEND to a dotted backend class (e.g. django_tasks_rq.RQBackend,
# see README) and runs workers on other machines.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DANGJIAN_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The Redis-backed queue (django-tasks-rq, on django-rq): DANGJIAN_TASKS_BACKEND=django_tasks_rq.RQBackend and
# DANGJIAN_REDIS_URL; workers on any machine run `manage.py rqworker default`.
RQ_QUEUES = {"default": {"URL": os.environ.get("DANGJIAN_REDIS_URL", "redis://127.0.0.1:6379/0")}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS.append("django_rq")
# Live progress files, uploaded inputs and results of jobs (shared storage when workers run elsewhere).
DANGJIAN_JOBS_DIR = Path(os.environ.get("DANGJIAN_JOBS_DIR", VAR_DIR / "jobs"))
# A running job refreshes its heartbeat this often; one silent for the lease has lost its worker.
DANGJIAN_JOB_HEARTBEAT_SECONDS = env_int("DANGJIAN_JOB_HEARTBEAT_SECONDS", 2)
DANGJIAN_JOB_LEASE_SECONDS = env_int("DANGJIAN_JOB_LEASE_SECONDS", 60)

# REST API (/api/v1/): session (the pages' login, CSRF-checked) or an API key; every response JSON.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dangjian.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "dangjian.api.auth.KeyAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["dangjian.api.auth.KeyRateThrottle", "dangjian.api.auth.UserRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "dangjian.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.core.restapi.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
DANGJIAN_API_KEY_RATE = os.environ.get("DANGJIAN_API_KEY_RATE", "120/min")
DANGJIAN_API_USER_RATE = os.environ.get("DANGJIAN_API_USER_RATE", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "基层党建工作平台 数据接口",
    "DESCRIPTION": "名册、统计、组织生活、发展党员、组织关系转接。认证：请求头 `Authorization: Api-Key <密钥>`"
                   "（县委组织部在“接口密钥”页面签发），或已登录的浏览器会话。号码一律打码；错误信息为中文，按字段列出。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "dangjian.api.schema_hooks.add_error_responses"],
}

# /healthz: the outbox backlog above which the platform reports "degraded".
DANGJIAN_HEALTH_OUTBOX_MAX = env_int("DANGJIAN_HEALTH_OUTBOX_MAX", 1000)
