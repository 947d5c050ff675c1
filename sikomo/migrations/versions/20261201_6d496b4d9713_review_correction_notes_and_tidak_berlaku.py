"""review correction notes and tidak berlaku confirmations

Revision ID: 6d496b4d9713
Revises: 6fa323db1407
Create Date: 2026-12-01 22:21:36.830007

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '6d496b4d9713'
down_revision = '6fa323db1407'
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
COLUMNS = ('correction_notes', 'not_applicable')


def upgrade():
    # Existing reviews get an empty mapping; the model supplies it for new rows (no server default).
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(
                sa.Column(name, JSON_TYPE, nullable=False, server_default=sa.text("'{}'"))
            )
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.alter_column(name, existing_type=JSON_TYPE, server_default=None)


def downgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
