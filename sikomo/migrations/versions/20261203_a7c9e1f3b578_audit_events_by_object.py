"""audit events found by their object; cooperatives searched from an index

Revision ID: a7c9e1f3b578
Revises: f6b8d0e2a467
Create Date: 2026-12-03 05:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b578'
down_revision = 'f6b8d0e2a467'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id', 'id'], unique=False)
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.create_index('ix_cooperative_search', ['nama', 'nik', 'region_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_index('ix_cooperative_search')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
