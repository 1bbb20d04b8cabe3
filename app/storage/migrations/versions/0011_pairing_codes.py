"""pairing codes: one-time, expiring codes proven with SPAKE2 instead of a certificate-derived code

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 19:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pairing_codes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('lookup', sa.String(length=8), nullable=False),
    sa.Column('secret', sa.String(length=16), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_device', sa.String(length=200), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pairing_codes_lookup'), 'pairing_codes', ['lookup'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pairing_codes_lookup'), table_name='pairing_codes')
    op.drop_table('pairing_codes')
