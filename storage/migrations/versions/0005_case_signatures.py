"""The applicant's handwritten signature from the counter's signature pad.

Revision ID: 0005_case_signatures
Revises: 0004_replaced_document_files
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_case_signatures"
down_revision = "0004_replaced_document_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_signatures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blob_sha256"], ["blobs.sha256"], name=op.f("fk_case_signatures_blob_sha256_blobs")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_signatures_case_id_cases")),
        sa.ForeignKeyConstraint(["created_by"], ["api_keys.id"], name=op.f("fk_case_signatures_created_by_api_keys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_signatures")),
    )
    op.create_index(op.f("ix_case_signatures_case_id"), "case_signatures", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_signatures_case_id"), table_name="case_signatures")
    op.drop_table("case_signatures")
