"""stored engine results per report version

Revision ID: a1c3e5f70b12
Revises: 6d496b4d9713
Create Date: 2026-12-02 00:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a1c3e5f70b12'
down_revision = '6d496b4d9713'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
