"""Celery app and tasks: thin, they call ``pipeline/``. The database holds each job's state; the broker carries
wake-ups (``jobs.celery_app``, ``jobs.tasks``, ``jobs.dispatch``)."""
