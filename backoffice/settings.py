"""Settings, all from the environment with safe defaults.

With nothing set the service runs on SQLite with Celery tasks in-process (development). With
``DATABASE_URL`` and ``CELERY_BROKER_URL``/``REDIS_URL`` it uses PostgreSQL and Redis. With
``DJANGO_ENV=production`` every secret must come from the environment and the security settings
of ``manage.py check --deploy`` are on.
"""

import json
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IPS_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def secret(name: str) -> str:
    """A secret from the environment; in development a random one kept in var/ (never in code)."""
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} moet gezet zijn in productie.")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists():
        if name == "BSN_ENCRYPTION_KEYS":
            from cryptography.fernet import Fernet

            path.write_text(Fernet.generate_key().decode())
        else:
            path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
# With DEBUG, Django's English debug pages instead of the Dutch 404/500 pages (backoffice/rest.py)
IPS_DEBUG_FOUTPAGINAS = env_bool("IPS_DEBUG_FOUTPAGINAS", False)
SECRET_KEY = secret("DJANGO_SECRET_KEY")
# Comma-separated Fernet keys, newest first (MultiFernet: old keys still decrypt).
BSN_ENCRYPTION_KEYS = [k.strip() for k in secret("BSN_ENCRYPTION_KEYS").split(",") if k.strip()]
BSN_HASH_KEY = secret("BSN_HASH_KEY")

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DEMO_DATA_ALLOWED = env_bool("IPS_DEMO_DATA", not PRODUCTION)
API_VERSION = "1.0.0"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: hashed at rest, with an expiry (docs/security.md "Tokens en blokkering")
    "axes",  # lockout per account and per address after failed logins (same section)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "backoffice",
    "financiering",
    "trajecten",
    "declaraties",
    "bezwaren",
]

MIDDLEWARE = [
    "backoffice.db_routing.ReplicaRoutingMiddleware",  # reads that may lag to a replica (does nothing without one)
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "backoffice.security.NoStoreMiddleware",  # Cache-Control: no-store (backoffice/security.py)
    "backoffice.rest.FoutpaginaMiddleware",  # Dutch 404/500 pages also with DEBUG (backoffice/rest.py)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "backoffice.rest.ApiVersionMiddleware",
    "backoffice.security.BsnInUrlMiddleware",  # a BSN in a query string: 400 in the API, dropped on a page
    "backoffice.web.LoginRequiredMiddleware",  # pages need a login; idle timeout (backoffice/web.py)
    "backoffice.verwerkingslog.VerwerkingslogMiddleware",  # every read of personal data (docs/privacy.md)
    "axes.middleware.AxesMiddleware",  # turns a lockout into the Dutch answer (backoffice/auth.py); keep it last
]

if PRODUCTION:  # runserver serves static files itself in development
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"
AUTH_USER_MODEL = "backoffice.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backoffice" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backoffice.web.context",
                "django.template.context_processors.csp",
            ],
            # {{ bedrag|euro }}, {{ d|datum }}, {{ d|datum_kort }} in every template (backoffice/opmaak.py)
            "builtins": ["backoffice.templatetags.opmaak", "financiering.templatetags.producten"],
        },
    },
]

# Persistent connections only where a process serves one request at a time (gunicorn sync workers,
# Celery: docker-compose.yml sets DB_CONN_MAX_AGE=60 there). Default 0, a connection per request:
# ``runserver`` starts a thread per request and each thread kept its own connection, 98 of them
# under 20 parallel requests (issue 9, finding 8; docs/reliability.md).
DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE", "0"))
# PgBouncer in transaction pooling in front of PostgreSQL (docs/reliability.md): DATABASE_POOLER=pgbouncer.
# Each transaction may run on another server connection, so nothing may outlive one: no server-side
# cursors (``.iterator()`` holds a named cursor across fetches), no prepared statements, and the job
# lock is not a session-level advisory lock (backoffice/locks.py).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in {"", "pgbouncer"}:
    raise ImproperlyConfigured("DATABASE_POOLER is leeg of 'pgbouncer'.")


def database_config(url: str, pooler: str = DATABASE_POOLER) -> dict:
    """One entry of DATABASES from a URL (also the test harness's, tests/reliability/test_replica.py)."""
    config = dj_database_url.parse(
        url,
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE > 0,  # a kept connection that broke is replaced, not used
    )
    if pooler and config["ENGINE"].endswith("postgresql"):
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return config


def replica_config(url: str, pooler: str = DATABASE_POOLER) -> dict:
    config = database_config(url, pooler)
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)  # a replica that hangs is skipped
    config["TEST"] = {"MIRROR": "default"}  # in tests: the same database as default (Django's advice)
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ips-loket.sqlite3'}")}
# Streaming read replicas (docs/reliability.md): one or more URLs, separated by spaces or commas;
# aliases replica, replica_2, ... Only the reads that may lag go there (backoffice/db_routing.py).
for _i, _url in enumerate(u for u in re.split(r"[\s,]+", os.environ.get("DATABASE_REPLICA_URL", "")) if u):
    DATABASES["replica" if _i == 0 else f"replica_{_i + 1}"] = replica_config(_url)
DATABASE_ROUTERS = ["backoffice.db_routing.ReplicaRouter"]
# A replica further behind than this is skipped; its state is checked at most every CHECK seconds
# per process; a user who wrote reads a replica only once it replayed that write, for this long.
IPS_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("IPS_REPLICA_MAX_LAG_SECONDS", "10"))
IPS_REPLICA_CHECK_SECONDS = float(os.environ.get("IPS_REPLICA_CHECK_SECONDS", "1"))
IPS_READ_YOUR_WRITES_SECONDS = int(os.environ.get("IPS_READ_YOUR_WRITES_SECONDS", "300"))
# Compiled SQL kept (backoffice/querycache.py): the werkbak's sections per user and day, and the
# session, session user and token user of every request; CONTROLE compiles again on every use and
# raises on a difference (on in the test suite).
IPS_QUERYCACHE = env_bool("IPS_QUERYCACHE", True)
IPS_QUERYCACHE_CONTROLE = env_bool("IPS_QUERYCACHE_CONTROLE", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite has one writer; wait for it instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job whose worker dies mid-run goes back to the queue (it is idempotent; docs/jobs.md).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The PDF of a generated document (docs/documenten.md) after the decision's commit: "celery" (the
# task; eager without a broker), "direct" (in the process, after the commit) or "uit" (left to the
# first read and the nightly step; the test suite, which makes thousands of decisions).
IPS_DOCUMENT_RENDEREN = os.environ.get("IPS_DOCUMENT_RENDEREN", "celery")

# django-axes' backend first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "backoffice.gebruiker.SessieBackend",  # ModelBackend, the session's user read in one query
    "financiering.oidc.OrganisatieOIDCBackend",  # does nothing unless OIDC_RP_CLIENT_ID is set
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
# Dutch formats with the short date 01-12-2026 (backoffice/formats/nl/formats.py; money: backoffice/opmaak.py)
FORMAT_MODULE_PATH = ["backoffice.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "/inloggen"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/inloggen"
# Sessions: at most 8 hours, ended when the browser closes, and after an idle spell (backoffice/web.py).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Django's database sessions, read with SQL compiled once (backoffice/sessies.py).
SESSION_ENGINE = "backoffice.sessies"
IPS_SESSION_IDLE_SECONDS = int(os.environ.get("IPS_SESSION_IDLE_MINUTES", "30")) * 60
# The processing log's own retention (docs/privacy.md, "Verwerkingslog"): entries older than this
# many years are purged by the monthly job. Default 7: as long as the dossiers it is about.
IPS_VERWERKINGSLOG_BEWAARJAREN = int(os.environ.get("IPS_VERWERKINGSLOG_BEWAARJAREN", "7"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
APPEND_SLASH = False  # api.md: a trailing slash answers 404

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backoffice.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "backoffice.renderers.JSONRenderer",  # camelCase; a list page built camelCase is not walked again
        "djangorestframework_camel_case.render.CamelCaseBrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "backoffice.parsers.JSONParser",  # Dutch errors, a depth limit (backoffice/parsers.py)
        "djangorestframework_camel_case.parser.CamelCaseMultiPartParser",
        "djangorestframework_camel_case.parser.CamelCaseFormParser",
    ],
    # A job run's counts are keyed by step names (signalen.traject_eindigt_90.nieuw): left as they are.
    "JSON_UNDERSCOREIZE": {"no_underscore_before_number": True, "ignore_fields": ("counts",)},
    "DEFAULT_PAGINATION_CLASS": "backoffice.rest.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backoffice.rest.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("IPS_LOGIN_RATE", "30/minute")},
    # How many proxies in front of us append to X-Forwarded-For. 0: the header is ignored and the
    # socket address counts, so a client cannot dodge the login throttle with a made-up header.
    "NUM_PROXIES": int(os.environ.get("IPS_NUM_PROXIES", "0")),
    # ISO 8601 (date.isoformat): always four digits for the year; strftime's %Y wrote "149-03-29"
    # for the year 149 (found by fuzzing, docs/reliability.md).
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# API tokens (django-rest-knox): only a SHA-512 digest is stored; a token expires after
# IPS_TOKEN_TTL_HOURS (default 10) and is revoked by DELETE /api/v1/auth/token, by a beheerder in the
# admin, and with all other tokens of its user on a password change or deactivation (backoffice/models.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("IPS_TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Lockout (django-axes, database handler: a beheerder sees and lifts a lockout in the admin, and every
# process shares it). After IPS_LOCKOUT_FAILURES failed logins (default 10) within IPS_LOCKOUT_MINUTES
# (default 15) the username is locked from every address, and the address for every username, until
# IPS_LOCKOUT_MINUTES after the last failure. An unknown username is counted and answered just the same.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("IPS_LOCKOUT_FAILURES", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("IPS_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the combination
AXES_RESET_ON_SUCCESS = False  # a login with one's own account must not wipe the count of an address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lockout ends on time; tries meanwhile do not count
AXES_CLIENT_IP_CALLABLE = "backoffice.auth.client_ip"  # the address the login throttle counts (IPS_NUM_PROXIES)
AXES_LOCKOUT_CALLABLE = "backoffice.auth.lockout_response"
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "IPS-loket API",
    "DESCRIPTION": "Aanvragen, besluiten en trajecten voor IPS (Individuele Plaatsing en Steun).",
    "VERSION": API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "backoffice.openapi.problem_responses",
        "trajecten.api.personal_fields_optional",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RouteEnum": "financiering.models.Route",
        "AanbiederTypeEnum": "financiering.models.AanbiederType",
        # names for choice sets that share a field name (a clean `check --deploy`, docs/security.md)
        "BesluitUitkomstEnum": "trajecten.models.BesluitUitkomst",
        "ProductSoortEnum": "financiering.models.ProductSoort",
        "BetaalopdrachtStatusEnum": "declaraties.models.BetaalopdrachtStatus",
    },
}

# Every handler masks BSN-like numbers (every run of 9 digits, backoffice.crypto.MaskBsnFilter),
# also the access log of runserver (``django.server``) and Django's own handlers, which otherwise
# keep their defaults (django.utils.log.DEFAULT_LOGGING) without the filter. Gunicorn logs through
# its own loggers: gunicorn.conf.py puts the same filter on them. Celery uses this dict too
# (backoffice/celery.py). tests/security/test_logmaskering.py checks every handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_bsn": {"()": "backoffice.crypto.MaskBsnFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_bsn"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_bsn"]},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "filters": ["require_debug_false", "mask_bsn"]},
    },
    "loggers": {
        # replaces Django's default handlers of these loggers (console without the filter, mail_admins)
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # django-axes logs every login at INFO; failures and lockouts (WARNING) are enough
        "axes": {"level": os.environ.get("AXES_LOG_LEVEL", "WARNING")},
        # WeasyPrint (the documents) logs each rendering step at INFO, fontTools its subsetting
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IPS-loket <noreply@ips-loket.nl>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Links in e-mails (the daily digest) point here.
IPS_BASE_URL = os.environ.get("IPS_BASE_URL", "http://127.0.0.1:8000")

# The seller on the co-financing invoice (declaraties/factuur.py, docs/declaraties.md "De vordering
# als factuur"). PLACEHOLDERS until UWV's finance department supplies the real values: the address,
# the OIN (Peppol scheme 0190), the KvK number (0106) and the bank account are examples, not UWV's.
IPS_FACTUUR_VERKOPER = {
    "naam": os.environ.get("IPS_FACTUUR_NAAM", "Uitvoeringsinstituut Werknemersverzekeringen (UWV)"),
    "straat": os.environ.get("IPS_FACTUUR_STRAAT", "Postbus 00000 (placeholder)"),
    "postcode": os.environ.get("IPS_FACTUUR_POSTCODE", "1000 AA"),
    "plaats": os.environ.get("IPS_FACTUUR_PLAATS", "Amsterdam"),
    "land": "NL",
    "oin": os.environ.get("IPS_FACTUUR_OIN", "00000001000000000000"),
    "kvk": os.environ.get("IPS_FACTUUR_KVK", "00000000"),
    "iban": os.environ.get("IPS_FACTUUR_IBAN", "NL91ABNA0417164300"),
    "bic": os.environ.get("IPS_FACTUUR_BIC", "ABNANL2A"),
    "rekeninghouder": os.environ.get("IPS_FACTUUR_REKENINGHOUDER", "UWV"),
    "email": os.environ.get("IPS_FACTUUR_EMAIL", "debiteuren@uwv.example"),
}
# The gemeenten as buyers, by CBS code, as JSON: {"0363": {"oin": "00000001...", "straat": "...",
# "postcode": "...", "plaats": "..."}}. What is missing is a PLACEHOLDER (declaraties/factuur.py koper).
IPS_GEMEENTE_FACTUURGEGEVENS = json.loads(os.environ.get("IPS_GEMEENTE_FACTUURGEGEVENS", "{}") or "{}")

# Security headers on every response (docs/security.md). Inline script and style are refused: the
# pages have none (the charts are SVG with presentation attributes); a nonce is available as
# {{ csp_nonce }} should one ever be needed. backoffice/security.py loosens style-src for the admin,
# the browsable API and Swagger UI only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Two-factor login (django-otp) and login through an organisation's own identity provider
# (OpenID Connect, mozilla-django-oidc). docs/security.md "Tweestapsverificatie" and "Inloggen via
# uw organisatie (OpenID Connect)"; the code is in backoffice/tweestaps.py and backoffice/oidc.py.
INSTALLED_APPS[INSTALLED_APPS.index("backoffice") : INSTALLED_APPS.index("backoffice")] = [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("backoffice.tweestaps.TweestapsMiddleware")  # second factor before any page (web, admin, API session)
# Which roles must log in with a second factor: "alle" (every account, default in production),
# "geen" (default in development: `make run` and the demo stay simple), or role codes, comma-separated.
IPS_2FA_VERPLICHT_ROLLEN = os.environ.get("IPS_2FA_VERPLICHT_ROLLEN", "alle" if PRODUCTION else "geen")
OTP_TOTP_ISSUER = os.environ.get("IPS_2FA_UITGEVER", "IPS-loket")

OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
# Either a discovery URL (…/.well-known/openid-configuration) or the endpoints one by one.
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "web-inloggen-organisatie-terug"
LOGIN_REDIRECT_URL_FAILURE = LOGIN_URL
# The claims that carry the role (a role code, or a list of them) and the organisation (the AGB code
# of the aanbieder, the CBS code of the gemeente, "uwv", or "phrenos" for the auditor).
IPS_OIDC_CLAIM_ROL = os.environ.get("IPS_OIDC_CLAIM_ROL", "ips_rol")
IPS_OIDC_CLAIM_ORGANISATIE = os.environ.get("IPS_OIDC_CLAIM_ORGANISATIE", "ips_organisatie")
# Roles an identity provider may hand out (never the beheerder's by default).
IPS_OIDC_ROLLEN = os.environ.get(
    "IPS_OIDC_ROLLEN", "uwv_beoordelaar,uwv_financieel,gemeente_medewerker,aanbieder_medewerker,auditor"
)
# The identity provider's own multi-factor login counts as the second factor when the ID token's
# `amr` holds one of these values or its `acr` is one of these (empty: never).
IPS_OIDC_MFA_AMR = os.environ.get("IPS_OIDC_MFA_AMR", "mfa,otp,hwk")
IPS_OIDC_MFA_ACR = os.environ.get("IPS_OIDC_MFA_ACR", "")
