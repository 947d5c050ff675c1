"""report figures: each version's line items as one float64 vector, in the index of a year's
versions that the early warnings read alone

Revision ID: e7f9a1b3c5d7
Revises: d6431913676a
Create Date: 2026-12-04 19:50:00

The vectors are derived data: the early warnings write those they find missing (from the
report's JSON) the first time they read a year, and `flask refresh-scores` fills them all at once
after an upgrade; existing reports need no backfill here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7f9a1b3c5d7'
down_revision = 'd6431913676a'
branch_labels = None
depends_on = None

YEAR_FRAME = ['tahun_buku', 'counted_latest', 'cooperative_id', 'id', 'version', 'status',
              'imported', 'submitted_at', 'tanggal_rat', 'figures_layout', 'figures']


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figures', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('figures_layout', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_report_year_frame', YEAR_FRAME, unique=False)


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_year_frame')
        batch_op.drop_column('figures_layout')
        batch_op.drop_column('figures')
