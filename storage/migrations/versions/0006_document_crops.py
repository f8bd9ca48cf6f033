"""Crops of a document's pages: the rectified card or page and the ID card's portrait (issue 20).

Revision ID: 0006_document_crops
Revises: 0005_case_signatures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006_document_crops"
down_revision = "0005_case_signatures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_crops",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blob_sha256"], ["blobs.sha256"], name=op.f("fk_document_crops_blob_sha256_blobs")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_crops_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_crops")),
    )
    op.create_index(op.f("ix_document_crops_document_id"), "document_crops", ["document_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_document_crops_document_id"), table_name="document_crops")
    op.drop_table("document_crops")
