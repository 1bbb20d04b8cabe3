"""person seat: a person's seat in the chamber, shown on the kiosk's welcome card

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 17:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('persons') as batch_op:
        batch_op.add_column(sa.Column('seat', sa.String(length=40), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('persons') as batch_op:
        batch_op.drop_column('seat')
