"""the review queue's other sort orders: each stored row's score and cooperative name, indexed

Revision ID: f2b4d6e8a0c3
Revises: e1a3c5d7f9b2
Create Date: 2026-12-05 11:00:00

The rows are derived data: sikomo/review/scores.py FORMAT 2 makes every stored row stale, and
`flask --app sikomo refresh-scores` (or the queue itself) writes them again with both columns.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2b4d6e8a0c3'
down_revision = 'e1a3c5d7f9b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('nama', sa.String(length=200), nullable=True))
        batch_op.create_index('ix_report_score_status_waiting', ['status', 'waiting', 'report_id'], unique=False)
        batch_op.create_index('ix_report_score_status_score', ['status', 'score', 'report_id'], unique=False)
        batch_op.create_index('ix_report_score_status_nama', ['status', 'nama', 'report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.drop_index('ix_report_score_status_nama')
        batch_op.drop_index('ix_report_score_status_score')
        batch_op.drop_index('ix_report_score_status_waiting')
        batch_op.drop_column('nama')
        batch_op.drop_column('score')
