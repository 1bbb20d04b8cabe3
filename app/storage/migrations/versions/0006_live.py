"""live meeting: state of a running meeting, speakers' queue, votes with named and secret ballots,
item conclusions, follow-up tasks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_up_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('agenda_item_id', sa.String(length=36), nullable=True),
    sa.Column('body_id', sa.String(length=36), nullable=True),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('responsible_person_id', sa.String(length=36), nullable=True),
    sa.Column('responsible_unit', sa.String(length=300), nullable=False),
    sa.Column('supporters', sa.JSON(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('expected_result', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('progress_note', sa.Text(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_person_id'], ['persons.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_tasks_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_tasks_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('live_meetings',
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('current_item_id', sa.String(length=36), nullable=True),
    sa.Column('item_planned', sa.Integer(), nullable=False),
    sa.Column('item_elapsed', sa.Float(), nullable=False),
    sa.Column('item_running_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('page_document_id', sa.String(length=36), nullable=True),
    sa.Column('page_number', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('quorum', sa.JSON(), nullable=True),
    sa.Column('item_log', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('speaker_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('agenda_item_id', sa.String(length=36), nullable=True),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('planned_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('speaker_requests', schema=None) as batch_op:
        batch_op.create_index('ix_speaker_requests_meeting_state', ['meeting_id', 'state'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('agenda_item_id', sa.String(length=36), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eligible', sa.JSON(), nullable=False),
    sa.Column('eligible_source', sa.String(length=20), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('item_conclusions',
    sa.Column('agenda_item_id', sa.String(length=36), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('vote_id', sa.String(length=36), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('agenda_item_id')
    )
    with op.batch_alter_table('item_conclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_conclusions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('secret_ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('vote_id', sa.String(length=36), nullable=False),
    sa.Column('choice', sa.String(length=200), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt_hash')
    )
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_ballots_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_ballots',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('vote_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('choice', sa.String(length=200), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vote_id', 'person_id')
    )
    with op.batch_alter_table('vote_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_ballots_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_participants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('vote_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vote_id', 'person_id')
    )
    with op.batch_alter_table('vote_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_participants_vote_id'), ['vote_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vote_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_participants_vote_id'))

    op.drop_table('vote_participants')
    with op.batch_alter_table('vote_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_ballots_vote_id'))

    op.drop_table('vote_ballots')
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_ballots_vote_id'))

    op.drop_table('secret_ballots')
    with op.batch_alter_table('item_conclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_conclusions_meeting_id'))

    op.drop_table('item_conclusions')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_meeting_id'))

    op.drop_table('votes')
    with op.batch_alter_table('speaker_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_speaker_requests_meeting_state')

    op.drop_table('speaker_requests')
    op.drop_table('live_meetings')
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_tasks_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_tasks_body_id'))

    op.drop_table('follow_up_tasks')
