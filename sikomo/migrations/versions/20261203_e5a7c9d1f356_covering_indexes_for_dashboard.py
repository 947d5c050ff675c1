"""covering indexes: assessment by report with its status, the counted reports' RAT dates,
reports by status and submission time, and by tahun buku and status

Revision ID: e5a7c9d1f356
Revises: d4f6b8c0e245
Create Date: 2026-12-03 04:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f356'
down_revision = 'd4f6b8c0e245'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_report_id_status', ['report_id', 'status'], unique=False)
        batch_op.drop_index('ix_assessment_report_id')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_tanggal_rat_counted', ['tanggal_rat', 'status', 'imported'], unique=False)
        batch_op.create_index('ix_report_status_submitted_at', ['status', 'submitted_at', 'cooperative_id'], unique=False)
        batch_op.create_index('ix_report_tahun_buku_status', ['tahun_buku', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_tahun_buku_status')
        batch_op.drop_index('ix_report_status_submitted_at')
        batch_op.drop_index('ix_report_tanggal_rat_counted')

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_report_id', ['report_id'], unique=False)
        batch_op.drop_index('ix_assessment_report_id_status')
