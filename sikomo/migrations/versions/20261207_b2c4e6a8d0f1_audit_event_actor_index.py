"""audit events by user: the Jejak Audit filter reads one user's events from an index

Revision ID: b2c4e6a8d0f1
Revises: aae3d1a4a9ee
Create Date: 2026-12-04 02:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b2c4e6a8d0f1'
down_revision = 'aae3d1a4a9ee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_actor', ['actor_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_actor')
