# Carnet: one image for every daphne process (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# gettext: msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The dependencies alone first, read from pyproject.toml, so that this layer is
# rebuilt only when they change. The app itself runs from /app (packages = []).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Settings refuse to load with DEBUG off and no SECRET_KEY: a throwaway key for
# these build steps only; it is not kept in the image.
RUN DEBUG=0 SECRET_KEY=build-time-only-not-secret python manage.py compilemessages \
    && DEBUG=0 SECRET_KEY=build-time-only-not-secret python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin carnet \
    && mkdir -p /app/data /data/media \
    && chown carnet:carnet /app/data /data/media \
    && chmod 0755 /app/deploy/entrypoint.sh
USER carnet

EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
# --proxy-headers: behind the proxy, take the client's address from
# X-Forwarded-For (sign-in lockouts count per address).
CMD ["daphne", "--proxy-headers", "-b", "0.0.0.0", "-p", "8000", "project.asgi:application"]
