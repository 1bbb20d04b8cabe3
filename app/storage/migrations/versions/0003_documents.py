"""documents: title, versions, confidential access, uploader, vetted

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:33:00.887164
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('replaces_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('access', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('uploaded_by', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('vetted', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_documents_replaces_id'), ['replaces_id'], unique=False)
        batch_op.create_foreign_key('fk_documents_replaces_id', 'documents', ['replaces_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('fk_documents_replaces_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_documents_replaces_id'))
        batch_op.drop_column('vetted')
        batch_op.drop_column('uploaded_by')
        batch_op.drop_column('access')
        batch_op.drop_column('confidential')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('version')
        batch_op.drop_column('title')

