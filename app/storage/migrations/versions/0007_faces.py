"""faces: enrolment photos' sealed face encodings (and photos only if the admin keeps them)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('face_enrolments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('encoding', sa.LargeBinary(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('size_px', sa.Integer(), nullable=False),
    sa.Column('brightness', sa.Float(), nullable=False),
    sa.Column('sharpness', sa.Float(), nullable=False),
    sa.Column('ear', sa.Float(), nullable=False),
    sa.Column('nearest_other', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_enrolments_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('face_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_enrolments_person_id'))
    op.drop_table('face_enrolments')
