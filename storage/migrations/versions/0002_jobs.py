"""Jobs: packages and bulk reprocessing, with one row per unit of work (state, attempts, lease, result).

Revision ID: 0002_jobs
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0002_jobs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("business_type", sa.String(length=40), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("params", JSON_TYPE, nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", JSON_TYPE, nullable=False),
        sa.Column("errors", JSON_TYPE, nullable=False),
        sa.Column("finish_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("callback_url", sa.Text(), nullable=True),
        sa.Column("callback_state", sa.String(length=16), nullable=True),
        sa.Column("callback_attempts", sa.Integer(), nullable=False),
        sa.Column("callback_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("callback_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_jobs_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_state"), "jobs", ["state"])
    op.create_index(op.f("ix_jobs_branch"), "jobs", ["branch"])
    op.create_index(op.f("ix_jobs_case_id"), "jobs", ["case_id"])
    op.create_table(
        "job_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", JSON_TYPE, nullable=True),
        sa.Column("reads", JSON_TYPE, nullable=True),
        sa.Column("error", JSON_TYPE, nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_items_job_id_jobs")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_job_items_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_items")),
        sa.UniqueConstraint("job_id", "seq", name=op.f("uq_job_items_job_id")),
    )
    op.create_index("ix_job_items_job_state", "job_items", ["job_id", "state"])
    op.create_index("ix_job_items_state_lease", "job_items", ["state", "lease_until"])
    op.create_index(op.f("ix_job_items_document_id"), "job_items", ["document_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_job_items_document_id"), table_name="job_items")
    op.drop_index("ix_job_items_state_lease", table_name="job_items")
    op.drop_index("ix_job_items_job_state", table_name="job_items")
    op.drop_table("job_items")
    op.drop_index(op.f("ix_jobs_case_id"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_branch"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_state"), table_name="jobs")
    op.drop_table("jobs")
