"""Carnet settings: one module, read from the environment (see README.md)."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "carnet-development-only-not-secret"
SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY, or DEBUG=1 for development."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "channels",
    "axes",
    "accounts",
    "boards",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATA_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'carnet.sqlite3'}"),
}
# Persistent connections save the websocket path a connection per database hop; 60 s
# is a good production value on PostgreSQL (docker-compose.yml sets it).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (the websocket replay) run while a writer holds the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # A file, not memory, so that the daphne processes of browser tests share it; one per
    # test run, so that two runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-carnet-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL: str = env.str("REDIS_URL", default="")
# Cross-process bus with REDIS_URL: "pubsub" (RedisPubSubChannelLayer) or "core"
# (RedisChannelLayer); docs/performance.md has the figures behind the default.
CARNET_CHANNEL_LAYER: str = env.str("CARNET_CHANNEL_LAYER", default="pubsub")
if REDIS_URL:
    if CARNET_CHANNEL_LAYER not in ("pubsub", "core"):
        raise ImproperlyConfigured("CARNET_CHANNEL_LAYER must be pubsub or core.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
        if CARNET_CHANNEL_LAYER == "pubsub"
        else {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # One channel per process (the hub's) receives every space's events.
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 60},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "carnet",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The embedded default is one process, so a local-memory cache does count sign-in
    # failures correctly; with REDIS_URL set, the Redis cache is shared by every process.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

# Tests on the real services fail, rather than skip, when a service is unreachable.
CARNET_REQUIRE_SERVICES: bool = env.bool("CARNET_REQUIRE_SERVICES", default=False)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Failed sign-ins: five per username and address, then a fifteen-minute pause.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Carnet <carnet@localhost>")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE: str = env.str("TIME_ZONE", default="America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRESERVE = False

# Carnet's own limits.
CARNET_AVATAR_MAX_BYTES = 2 * 1024 * 1024
CARNET_IMAGE_MAX_BYTES = 5 * 1024 * 1024
CARNET_IMAGE_TYPES = ("JPEG", "PNG", "GIF", "WEBP")
CARNET_INVITATION_DAYS = 14
# How long after posting the author of a live-thread message may still edit it.
CARNET_MESSAGE_EDIT_SECONDS: int = env.int("CARNET_MESSAGE_EDIT_SECONDS", default=15 * 60)

# Realtime (docs/realtime-protocol.md): websocket limits and the event log.
CARNET_WS_MAX_FRAME_BYTES: int = env.int("CARNET_WS_MAX_FRAME_BYTES", default=64 * 1024)
CARNET_WS_RATE: float = env.float("CARNET_WS_RATE", default=5.0)  # client frames/s
CARNET_WS_BURST: int = env.int("CARNET_WS_BURST", default=20)
CARNET_WS_MAX_SUBSCRIPTIONS: int = env.int("CARNET_WS_MAX_SUBSCRIPTIONS", default=20)
CARNET_WS_MAX_CONNECTIONS_PER_USER: int = env.int("CARNET_WS_MAX_CONNECTIONS_PER_USER", default=20)
CARNET_WS_SWEEP_SECONDS: float = env.float("CARNET_WS_SWEEP_SECONDS", default=15.0)
CARNET_WS_RECHECK_SECONDS: float = env.float("CARNET_WS_RECHECK_SECONDS", default=60.0)
CARNET_WS_REJOIN_SECONDS: float = env.float("CARNET_WS_REJOIN_SECONDS", default=3600.0)
CARNET_EVENT_RETENTION_COUNT: int = env.int("CARNET_EVENT_RETENTION_COUNT", default=10_000)
CARNET_EVENT_RETENTION_DAYS: int = env.int("CARNET_EVENT_RETENTION_DAYS", default=30)
CARNET_EVENT_REPLAY_MAX: int = env.int("CARNET_EVENT_REPLAY_MAX", default=1000)
CARNET_EVENT_BROADCAST_TIMEOUT: float = env.float("CARNET_EVENT_BROADCAST_TIMEOUT", default=0.5)

# Presence and typing (realtime/presence.py): a crashed process's members leave every
# list within TTL + HEARTBEAT seconds (60 s with these defaults).
CARNET_PRESENCE_HEARTBEAT_SECONDS: float = env.float(
    "CARNET_PRESENCE_HEARTBEAT_SECONDS", default=15.0
)
CARNET_PRESENCE_TTL_SECONDS: float = env.float("CARNET_PRESENCE_TTL_SECONDS", default=45.0)
CARNET_PRESENCE_AWAY_SECONDS: float = env.float("CARNET_PRESENCE_AWAY_SECONDS", default=300.0)
CARNET_PRESENCE_BROADCAST_INTERVAL: float = env.float(
    "CARNET_PRESENCE_BROADCAST_INTERVAL", default=1.0
)
CARNET_PRESENCE_KEY_PREFIX: str = env.str("CARNET_PRESENCE_KEY_PREFIX", default="carnet:presence")
CARNET_TYPING_INTERVAL_SECONDS: float = env.float("CARNET_TYPING_INTERVAL_SECONDS", default=2.5)
CARNET_TYPING_IDLE_SECONDS: float = env.float("CARNET_TYPING_IDLE_SECONDS", default=7.0)
CARNET_TYPING_ANNOUNCE_SECONDS: float = env.float("CARNET_TYPING_ANNOUNCE_SECONDS", default=15.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
