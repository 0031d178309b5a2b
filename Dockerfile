# IPS-loket: één image voor web (gunicorn), worker en beat (celery).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

WORKDIR /app

# Niet als root draaien.
RUN groupadd --system --gid 1000 ips \
 && useradd --system --uid 1000 --gid ips --home-dir /app --no-create-home ips

# De PDF-documenten (WeasyPrint, docs/documenten.md): pango, HarfBuzz-subset (het inbedden van de
# lettertypen; zonder valt WeasyPrint terug op fontTools, met een waarschuwing dat toekomstige
# versies het eisen) en een lettertype van het systeem.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig \
 && rm -rf /var/lib/apt/lists/*

# Eerst alleen de lock: die laag blijft in de cache zolang de afhankelijkheden gelijk blijven.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Statische bestanden (admin, Swagger UI uit drf-spectacular-sidecar) verzamelen bij het bouwen.
# De geheimen hier zijn dummies die alleen deze stap nodig heeft; ze komen niet in het image-ENV.
# De echte komen bij het starten uit de omgeving (.env). DATABASE_URL: collectstatic verbindt niet.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0000 \
    BSN_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    BSN_HASH_KEY=build-only \
    DATABASE_URL=postgres://build@localhost:5432/build \
    python manage.py collectstatic --noinput

USER ips
EXPOSE 8000

CMD ["gunicorn", "-c", "gunicorn.conf.py", "backoffice.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
