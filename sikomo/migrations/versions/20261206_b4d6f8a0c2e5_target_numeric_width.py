"""a target holds any figure its indicator can reach: rupiah targets (volume usaha) up to 10^15

Revision ID: b4d6f8a0c2e5
Revises: a3c5e7f9b1d4
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e5'
down_revision = 'a3c5e7f9b1d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('nilai', existing_type=sa.Numeric(12, 4), type_=sa.Numeric(20, 4),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('nilai', existing_type=sa.Numeric(20, 4), type_=sa.Numeric(12, 4),
                              existing_nullable=False)
