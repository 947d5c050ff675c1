"""stored engine rows counted by status and engine from a narrow index

Revision ID: b8d0f2a4c689
Revises: a7c9e1f3b578
Create Date: 2026-12-04 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c689'
down_revision = 'a7c9e1f3b578'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.create_index('ix_report_score_count', ['status', 'engine_version'], unique=False)


def downgrade():
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.drop_index('ix_report_score_count')
