"""Every table of the service in one metadata: what Alembic migrates to and what the tests compare against.

Each module of tables registers itself on ``Base.metadata`` when imported; importing them all here, and only here,
keeps the modules of tables free of imports of each other's.
"""

from __future__ import annotations

from storage.jobs_models import Job, JobItem
from storage.models import Base

metadata = Base.metadata
TABLE_CLASSES = (Job, JobItem)  # the job tables, named so that importing them is not an unused import

__all__ = ["TABLE_CLASSES", "metadata"]
