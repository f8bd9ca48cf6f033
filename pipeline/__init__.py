"""Use cases that compose the stages. Routers, Celery tasks and CLI commands all call these."""
