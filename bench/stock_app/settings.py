"""Django settings for the stock Channels broadcast app used as the fan-out baseline.

Environment:

``BENCH_LAYER``
    ``memory`` (InMemoryChannelLayer), ``redis`` (channels_redis.core.RedisChannelLayer)
    or ``pubsub`` (channels_redis.pubsub.RedisPubSubChannelLayer). Default ``pubsub``.
``REDIS_URL``
    Redis for the two Redis layers. Default ``redis://127.0.0.1:6379/1``.
``BENCH_LAYER_PREFIX``
    Key prefix of the Redis layers. The harness sets a fresh one per run, so group
    memberships left behind by a killed server never leak into the next run.
"""

from __future__ import annotations

import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "channels",
]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.stock_app.urls"
ASGI_APPLICATION = "bench.stock_app.asgi.application"

# No database: the app never queries one (sessions stay empty because the
# benchmark client sends no cookie).
DATABASES: dict[str, dict[str, str]] = {}

USE_TZ = True

ROOM_GROUP = "room"

_LAYER = os.environ.get("BENCH_LAYER", "pubsub")
_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
_PREFIX = os.environ.get("BENCH_LAYER_PREFIX", "asgi")

if _LAYER == "memory":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
elif _LAYER == "redis":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_REDIS_URL], "prefix": _PREFIX},
        }
    }
elif _LAYER == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [_REDIS_URL], "prefix": _PREFIX},
        }
    }
else:
    raise ValueError(f"BENCH_LAYER must be memory, redis or pubsub, not {_LAYER!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
