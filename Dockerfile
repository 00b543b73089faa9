# syntax=docker/dockerfile:1
#
# Majority: one image for every process (web, Celery worker, Celery beat, migrations).
# The command decides what a container runs: see docker-compose.yml and the README ("Deploy").
#
#   docker build -t majority .
#   docker run --env-file .env -e SECRET_KEY_FILE=/run/secrets/secret_key ... majority

ARG PYTHON_IMAGE=python:3.12-slim

# --- build: the virtualenv with the runtime dependencies, and the code with compiled messages --
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# msgfmt compiles translations (.po -> .mo); it stays in this stage.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Only [project].dependencies from pyproject.toml: not the dev extra, and not the project
# itself (the code is copied below, so a code change doesn't reinstall every dependency).
WORKDIR /src
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && cat requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt

COPY . .
# Compile every translation the build context has (none yet is fine), and make the code
# readable by anyone: the runtime user doesn't own it.
# hadolint ignore=SC2016
RUN find . -name '*.po' -path '*/locale/*' -print0 \
        | xargs -0 -r -n1 sh -c 'msgfmt --check-format -o "${1%.po}.mo" "$1"' msgfmt \
    && chmod -R a+rX /src

# --- runtime ------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=organizing.settings

# A fixed uid/gid so the Docker secret file (a bind mount with the host's permissions) can be
# made readable to it: see the README, section "Deploy".
RUN groupadd --system --gid 10001 majority \
    && useradd --system --uid 10001 --gid majority --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin majority

# pg_dump, pg_restore and psql for backups (manage.py backup and restore, the nightly task), of
# the db service's major version: Debian's own client is 15, too old for a Postgres 16 server,
# so they come from the PostgreSQL project's apt repository (its key ships with
# postgresql-common).
ARG PG_MAJOR=16
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && YES=1 /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /src /app

# Static files are collected into STATIC_ROOT (/app/.data/staticfiles) and served by
# whitenoise. Settings must load for this, so this step alone gets DEBUG off, a random
# throwaway SECRET_KEY and placeholder URLs; nothing connects to them and none is kept in the
# image. The app code is byte-compiled here too, since the runtime user can't write /app.
RUN DEBUG=0 \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput --verbosity 1 \
    && python -m compileall -q /app

# /healthz answers 200 when Postgres and Redis do (urlopen raises on anything else). Django
# refuses a Host header that isn't in ALLOWED_HOSTS, so the check sends the first allowed host;
# /healthz is exempt from the HTTPS redirect. Only the web container serves HTTP:
# docker-compose.yml turns this check off for the others.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = [x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')]; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': (h or ['localhost'])[0]}), timeout=4)"]

# By number, so orchestrators can tell it isn't root (runAsNonRoot).
USER 10001:10001
EXPOSE 8000

CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "organizing.wsgi"]
