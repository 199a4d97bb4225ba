# syntax=docker/dockerfile:1
# Meet and Code Grants: one image for the web server, the Celery worker and Celery beat
# (docker-compose.yml picks the command). See docs/deploy.md.

# Pinned to bookworm: the Debian release whose package names below were checked.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=meetandcode.settings \
    XDG_CACHE_HOME=/tmp/.cache

# WeasyPrint 70 loads Pango, PangoFT2, HarfBuzz, fontconfig and GObject with ctypes at run time
# (psycopg, Pillow and cffi bring their own libraries in their wheels):
# - libpango-1.0-0 and libpangoft2-1.0-0 pull in libharfbuzz0b, libfontconfig1, libglib2.0-0;
# - libharfbuzz-subset0 makes fonts embed about 5x faster (and WeasyPrint will require it);
# - fonts: Noto for every script of our languages (Latin, Cyrillic), Liberation for the
#   Arial/Times metrics; fontconfig caches them at install so no process scans them at start;
# - gettext for compiling the translations below;
# - postgresql-client (15, as the db service) for manage.py backup_data / restore_data.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-noto-core \
        fonts-liberation2 \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# A system user without a login; the code stays root-owned, so the app cannot change it.
RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Requirements first: this layer is rebuilt only when they change, not on every code change.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected, hashed and compressed (.gz, .br) into the image, for whitenoise.
# The SECRET_KEY here exists only inside this RUN (settings refuse to load without one when DEBUG
# is off); it is not an ENV, so it never reaches a running container.
RUN export SECRET_KEY=build-time-only-not-a-secret \
    && python manage.py collectstatic --no-input -v 1 \
    && if [ -n "$(find . -path ./var -prune -o -name '*.po' -print -quit)" ]; then \
        python manage.py compilemessages --ignore var; \
    fi \
    && python -m compileall -q . \
    && mkdir -p var/media var/private var/beat \
    && chown app:app var/media var/private var/beat

# Only these folders are the app user's to write: var/media (public uploads), var/private (award
# letters and other files only their organisation and partner may read) and var/beat (beat's
# schedule file). A named volume mounted on them starts as a
# copy of the folder, so it belongs to the app user too. var/ itself stays read-only: without
# DATABASE_URL the app fails instead of quietly starting on a SQLite file there.

USER app
EXPOSE 8000

CMD ["gunicorn", "-c", "gunicorn.conf.py", "meetandcode.wsgi"]
