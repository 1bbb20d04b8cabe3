"""attendance: append-only check-in/out events, quorum rule per body, face-data consent records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        # Existing bodies get the common rule: more than half of the members.
        batch_op.add_column(sa.Column('quorum_rule', sa.String(length=20), server_default='more_than_half', nullable=False))
        batch_op.add_column(sa.Column('quorum_count', sa.Integer(), server_default='0', nullable=False))

    op.create_table('attendance_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('distance', sa.Float(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('substitute_for', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_for'], ['persons.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attendance_events', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_events_meeting_at', ['meeting_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_events_person_id'), ['person_id'], unique=False)

    op.create_table('face_consents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('text_version', sa.String(length=40), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('given_by', sa.String(length=36), nullable=True),
    sa.Column('given_by_name', sa.String(length=200), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('face_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_face_consents_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('face_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_face_consents_person_id'))
    op.drop_table('face_consents')
    with op.batch_alter_table('attendance_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_events_person_id'))
        batch_op.drop_index('ix_attendance_events_meeting_at')
    op.drop_table('attendance_events')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_column('quorum_count')
        batch_op.drop_column('quorum_rule')
