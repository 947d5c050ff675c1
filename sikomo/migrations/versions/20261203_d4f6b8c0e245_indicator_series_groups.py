"""indicator series: the counts per kecamatan and jenis of each year, and its compliance counts

Revision ID: d4f6b8c0e245
Revises: c3e5a7b92d34
Create Date: 2026-12-03 04:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'd4f6b8c0e245'
down_revision = 'c3e5a7b92d34'
branch_labels = None
depends_on = None


def upgrade():
    # Rows stored before have no groups: series.py treats them as not holding for the year shown.
    with op.batch_alter_table('indicator_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('groups', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('owed', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('indicator_series', schema=None) as batch_op:
        batch_op.drop_column('owed')
        batch_op.drop_column('groups')
