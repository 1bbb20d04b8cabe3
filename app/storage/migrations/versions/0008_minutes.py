"""minutes: the saved versions of a meeting's minutes and their approval

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meeting_minutes',
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=36), nullable=True),
    sa.Column('approved_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('minutes_versions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by', sa.String(length=36), nullable=True),
    sa.Column('saved_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'version')
    )
    op.create_index(op.f('ix_minutes_versions_meeting_id'), 'minutes_versions', ['meeting_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_minutes_versions_meeting_id'), table_name='minutes_versions')
    op.drop_table('minutes_versions')
    op.drop_table('meeting_minutes')
