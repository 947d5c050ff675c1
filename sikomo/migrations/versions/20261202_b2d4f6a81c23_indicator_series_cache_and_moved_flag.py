"""indicator series cache and moved flag

Revision ID: b2d4f6a81c23
Revises: a1c3e5f70b12
Create Date: 2026-12-02 00:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b2d4f6a81c23'
down_revision = 'a1c3e5f70b12'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
