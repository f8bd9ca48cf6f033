"""The embedded broker: kombu's SQL transport with a short polling interval, and its table trimmed of delivered
messages (kombu never deletes them)."""

from __future__ import annotations

from kombu import Connection
from sqlalchemy import create_engine, text

from devtools.job_servers import settings_for
from jobs import worker_process
from jobs.broker_sqla import kombu_url
from jobs.celery_app import celery_config


def test_delivered_messages_are_trimmed_and_waiting_ones_kept(tmp_path, monkeypatch):
    url = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    settings = settings_for({"DOCINTEL_JOBS__BROKER_URL": url, "DOCINTEL_VAR_DIR": str(tmp_path)})
    config = celery_config(settings)
    assert config["broker_url"].startswith("docintel_sqla+sqlite:///")
    assert config["broker_transport_options"] == {"polling_interval": settings.jobs.broker_poll_interval_s}

    with Connection(kombu_url(url), transport_options=config["broker_transport_options"]) as conn:
        queue = conn.SimpleQueue("docintel.test")
        queue.put({"n": 1})
        queue.put({"n": 2})
        message = queue.get(timeout=5)  # delivered: kombu keeps its row, invisible
        message.ack()
        queue.close()

    engine = create_engine(f"sqlite:///{tmp_path / 'broker.db'}")

    def rows() -> list[tuple[int, int]]:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text("SELECT id, visible FROM kombu_message ORDER BY id"))]

    assert [v for _, v in rows()] == [0, 1]
    worker_process._trim_broker(settings)  # retention of a day: nothing is old enough yet
    assert len(rows()) == 2
    monkeypatch.setattr(worker_process, "BROKER_RETENTION_S", -60)
    worker_process._trim_broker(settings)
    assert [v for _, v in rows()] == [1]  # the delivered one is gone, the waiting one kept
