"""proxy votes: a delegate's approved proxy casts their ballot

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 17:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vote_proxies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('principal_id', sa.String(length=36), nullable=False),
    sa.Column('proxy_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['principal_id'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proxy_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'principal_id')
    )
    op.create_index(op.f('ix_vote_proxies_meeting_id'), 'vote_proxies', ['meeting_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_vote_proxies_meeting_id'), table_name='vote_proxies')
    op.drop_table('vote_proxies')
