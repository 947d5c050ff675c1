"""reports by status and version: the worklist's count of corrected versions reads no report row

Revision ID: d0f2b4c6e8a1
Revises: c9e1a3b5d7f9
Create Date: 2026-12-04 13:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd0f2b4c6e8a1'
down_revision = 'c9e1a3b5d7f9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_status_version', ['status', 'version'], unique=False)


def downgrade():
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_status_version')
