# One image for the web server and the worker (compose.yaml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY project ./project
COPY accounts ./accounts
COPY blog ./blog
COPY reports ./reports
COPY mail ./mail
COPY ops ./ops
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .
# collectstatic needs settings that import cleanly; these values exist only during the build.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R app:app /app/media

USER app
EXPOSE 8000
CMD ["gunicorn", "project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
