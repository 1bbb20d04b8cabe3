"""annotations: highlights, underlines, ink, notes and bookmarks on document versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('rects', sa.JSON(), nullable=False),
    sa.Column('ink', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=True),
    sa.Column('author_account_id', sa.String(length=36), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('shared_with', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('placement', sa.String(length=10), nullable=False),
    sa.Column('conflict_of', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotations_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_author_account_id'), ['author_account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotations_author_account_id'))
        batch_op.drop_index(batch_op.f('ix_annotations_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_annotations_document_id'))
    op.drop_table('annotations')
