"""An index on documents.created_at: bulk reprocessing selects by date range over the whole archive.

Revision ID: 0003_documents_created_at
Revises: 0002_jobs
"""

from __future__ import annotations

from alembic import op

revision = "0003_documents_created_at"
down_revision = "0002_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_created_at", "documents", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_created_at", table_name="documents")
