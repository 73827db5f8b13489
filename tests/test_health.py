from __future__ import annotations

from harmplan.celery import app as celery_app


def test_healthz_ok_with_database_and_broker(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_503_when_the_broker_is_down(db, client, monkeypatch):
    # Nothing listens on the discard port. Celery reads the environment variable first.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_healthz_is_public_and_uncached(db, client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
