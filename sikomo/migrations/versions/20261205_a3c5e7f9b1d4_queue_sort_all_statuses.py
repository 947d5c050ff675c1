"""every status's stored queue rows in waiting or name order, covered: status=semua sorted reads no row

Revision ID: a3c5e7f9b1d4
Revises: f2b4d6e8a0c3
Create Date: 2026-12-05 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d4'
down_revision = 'f2b4d6e8a0c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.create_index('ix_report_score_waiting_all', ['waiting', 'report_id', 'status', 'engine_version'], unique=False)
        batch_op.create_index('ix_report_score_nama_all', ['nama', 'report_id', 'status', 'engine_version'], unique=False)


def downgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.drop_index('ix_report_score_nama_all')
        batch_op.drop_index('ix_report_score_waiting_all')
