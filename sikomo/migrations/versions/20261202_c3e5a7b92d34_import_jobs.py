"""import progress: no table (progress is kept in files, sikomo/progress.py); kept in the chain

Revision ID: c3e5a7b92d34
Revises: b2d4f6a81c23
Create Date: 2026-12-02 00:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'c3e5a7b92d34'
down_revision = 'b2d4f6a81c23'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
