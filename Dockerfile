# Mirrors the Makefile: a .venv built by uv from the hashed lock, then gunicorn.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles

# The system libraries WeasyPrint needs for the PDFs (Pango, HarfBuzz, fonts).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
        libjpeg62-turbo libopenjp2-7 libffi8 fontconfig shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 samverkan \
    && mkdir -p /app /data \
    && chown samverkan:samverkan /app /data

WORKDIR /app
COPY --chown=samverkan:samverkan requirements.lock pyproject.toml ./
USER samverkan
RUN uv venv --python python3.13 .venv \
    && uv pip sync --require-hashes --python .venv/bin/python requirements.lock

COPY --chown=samverkan:samverkan . .
RUN DEBUG=false SECRET_KEY=collectstatic-only .venv/bin/python manage.py collectstatic --noinput

ENV DEBUG=false
EXPOSE 8000
# The background worker (PDFs) runs from the same image as its own process:
#   docker run … samverkan .venv/bin/python manage.py run_worker
# (db_worker made to survive: it waits out a database outage and re-runs the tasks of a
# worker that was killed; run it under a supervisor that restarts it all the same.)
# gunicorn.conf.py: port 8000, WEB_CONCURRENCY workers (4), JSON logs.
CMD [".venv/bin/gunicorn", "samverkan.wsgi"]
