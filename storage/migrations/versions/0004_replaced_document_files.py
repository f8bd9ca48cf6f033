"""Earlier pictures of a page, kept when the clerk photographs the page again.

Revision ID: 0004_replaced_document_files
Revises: 0003_documents_created_at
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_replaced_document_files"
down_revision = "0003_documents_created_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replaced_document_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"], ["blobs.sha256"], name=op.f("fk_replaced_document_files_blob_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_replaced_document_files_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by"], ["api_keys.id"], name=op.f("fk_replaced_document_files_replaced_by_api_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replaced_document_files")),
    )
    op.create_index(op.f("ix_replaced_document_files_document_id"), "replaced_document_files", ["document_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_replaced_document_files_document_id"), table_name="replaced_document_files")
    op.drop_table("replaced_document_files")
